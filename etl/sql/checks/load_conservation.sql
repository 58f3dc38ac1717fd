-- loads whose rows read (counted by the reader, less blank and 合计 rows) are not exactly the rows
-- loaded plus the rows rejected (each counted as it was written), or whose tables disagree
with stored as (
    select load_id, count(*) as n from roster_rows group by load_id
    union all select load_id, count(*) from visit_rows group by load_id
    union all select load_id, count(*) from contact_rows group by load_id
),

rejected as (
    select load_id, count(*) as n from rejects group by load_id
)

select l.load_id, l.file_name, l.rows_read, l.rows_loaded, l.rows_rejected,
       coalesce(s.n, 0) as rows_stored, coalesce(r.n, 0) as rejects_stored
from loads l
left join stored s using (load_id)
left join rejected r using (load_id)
where l.rows_read <> l.rows_loaded + l.rows_rejected
    or l.rows_loaded <> coalesce(s.n, 0)
    or l.rows_rejected <> coalesce(r.n, 0)
