-- one row per corrected contact row that the original list (load $origin) already holds: src_id and
-- the reason (重复记录, as within one file)
with final as (
    select s.src_id, '重复记录 (与原文件第 ' || min(c.row_number) || ' 行相同)' as reason
    from staged s
    join contact_rows c on c.load_id = $origin and c.dedup_key = s.dedup_key
    where s.reject_reason is null
    group by s.src_id
)

select * from final
