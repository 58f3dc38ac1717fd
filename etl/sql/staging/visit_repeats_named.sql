-- one row per staged visit with an ID number that repeats a visit already loaded without a usable one (none written,
-- or one that could not be used: linked by its name and community, marts/visits.sql) of the same elder: the same
-- date-time, method, visitor and outcome, its key with the name and community in place of the ID (cv_visit_key).
-- The original file sent again with the ID corrected (review 16 H1: stored twice, counted twice in 探访人次); src_id
-- and the reason it is rejected (重复记录). Run once a load has built the marts (elder_name_keys: the names a visit
-- without an ID number is linked by).
with mine as (
    select src_id, id_number, visit_date,
           xor(xor(dedup_key, cv_key_part('elder', id_number)),
               cv_key_part('elder', elder_name || '@' || community_code)) as named_key
    from staged
    where reject_reason is null and id_number is not null and elder_name is not null and community_code is not null
)

select m.src_id,
       '重复记录 (已在 ' || min(l.file_name) || ' 中导入: 那一行的身份证号无法使用, 已按姓名和社区计入同一老人)' as reason
from mine m
join visit_rows v on v.dedup_key = m.named_key and v.visit_date = m.visit_date and v.id_number is null
join elder_name_keys n on n.elder_name = cv_name_undotted(v.elder_name) and n.community_code = v.community_code
    and n.elder_id = m.id_number and (n.valid_to is null or v.visit_date < n.valid_to)
join loads l on l.load_id = v.load_id
group by m.src_id
