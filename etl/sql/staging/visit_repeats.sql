-- one row per staged visit that repeats another (same elder, date-time, method, visitor and
-- outcome): an otherwise valid row repeating an earlier row of this file, or a visit already
-- loaded; src_id and the reason it is rejected (重复记录)
with keys as materialized (
    -- the key holds the date-time, so each key has one date
    select dedup_key, any_value(visit_date) as visit_date, count(*) as occurrences, min(src_id) as first_src_id
    from staged
    where reject_reason is null
    group by dedup_key
),

repeated_in_file as (
    -- every row of a key but its first
    select v.src_id, '重复记录 (' || cv_same_row(first.src_id, v.src_id, first.row_number, sheets) || '相同)' as reason
    from (select * from keys where occurrences > 1) k
    cross join stg_sheets sheets
    join staged first on first.src_id = k.first_src_id
    join staged v on v.dedup_key = k.dedup_key and v.src_id <> k.first_src_id
    where v.reject_reason is null
),

already_loaded as (
    -- the first row of a key already stored (its later rows repeat it, above); joining on the
    -- date too lets DuckDB skip stored row groups outside this file's dates
    select k.first_src_id as src_id, '重复记录 (已在 ' || min(l.file_name) || ' 中导入)' as reason
    from visit_rows v
    join keys k on v.dedup_key = k.dedup_key and v.visit_date = k.visit_date
    join loads l on l.load_id = v.load_id
    group by k.first_src_id
),

final as (
    select * from repeated_in_file
    union all
    select * from already_loaded
)

select * from final
