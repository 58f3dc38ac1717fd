-- A visit that is otherwise valid but repeats an earlier row of this file, or a visit already
-- loaded, is rejected as 重复记录 (same elder, date-time, method, visitor and outcome).
with keys as materialized (
    -- the key holds the date-time, so each key has one date
    select dedup_key, any_value(visit_date) as visit_date, count(*) as occurrences,
           min(src_id) as first_src_id, arg_min(row_number, src_id) as key_first_row
    from staged
    where reject_reason is null
    group by dedup_key
),

already_loaded as (
    -- joining on the date too lets DuckDB skip stored row groups outside this file's dates
    select v.dedup_key, min(l.file_name) as loaded_in_file
    from visit_rows v
    join keys k on v.dedup_key = k.dedup_key and v.visit_date = k.visit_date
    join loads l on l.load_id = v.load_id
    group by v.dedup_key
),

reasons as (
    select
        v.src_id,
        case
            when v.src_id <> r.first_src_id then '重复记录 (与第 ' || r.key_first_row || ' 行相同)'
            when a.loaded_in_file is not null then '重复记录 (已在 ' || a.loaded_in_file || ' 中导入)'
        end as reason
    from staged v
    left join (select * from keys where occurrences > 1) r using (dedup_key)
    left join already_loaded a using (dedup_key)
    where v.reject_reason is null and (v.src_id <> r.first_src_id or a.loaded_in_file is not null)
)

update staged set reject_reason = reasons.reason
from reasons
where staged.src_id = reasons.src_id
