-- loads that lost or invented a row: the rows the reader saw (less blank and 合计 rows, counted as
-- the file was read) are not the rows stored plus the rejects stored, each counted in its table;
-- or loads whose record of what it wrote disagrees with its tables
with stored as (
    select load_id, count(*) as n from roster_rows group by load_id
    union all select load_id, count(*) from visit_rows group by load_id
    union all select load_id, count(*) from contact_rows group by load_id
),

rejected as (
    select load_id, count(*) as n from rejects group by load_id
),

counted as (
    select l.load_id, l.file_name, l.rows_read, l.rows_loaded, l.rows_rejected,
           coalesce(s.n, 0) as rows_stored, coalesce(r.n, 0) as rejects_stored
    from loads l
    left join stored s using (load_id)
    left join rejected r using (load_id)
),

final as (
    select * from counted
    where rows_read <> rows_stored + rejects_stored
        or rows_loaded <> rows_stored
        or rows_rejected <> rejects_stored
)

select * from final
