-- loads that lost or invented a row: the rows the reader saw (less blank and 合计 rows, counted as
-- the file was read) are not the rows it stored plus the rejects it stored, each counted in its table;
-- or loads whose record of what it wrote disagrees with its tables. A corrections workbook's fixed
-- rows are stored under the load they correct (etl/corrections.py): that load's table holds its own
-- rows and theirs.
with stored as (
    select load_id, sum(n) as n
    from (
        select load_id, count(*) as n from roster_rows group by load_id
        union all select load_id, count(*) from visit_rows group by load_id
        -- a roster's rows saying its community has nobody to list (roster_nobody)
        union all select load_id, count(*) from roster_nobody group by load_id
        -- a row of a contact list stores a row for each contact person it names: its first counted
        union all select load_id, count(*) from contact_rows where contact_index = 1 group by load_id
    )
    group by load_id
),

rejected as (
    select load_id, count(*) as n from rejects group by load_id
),

corrected as (
    select c.origin_load_id as load_id, sum(l.rows_loaded) as n
    from corrections c join loads l using (load_id)
    group by c.origin_load_id
),

counted as (
    select l.load_id, l.file_name, l.rows_read, l.rows_loaded, l.rows_rejected,
           coalesce(s.n, 0) - coalesce(k.n, 0) as rows_stored, coalesce(r.n, 0) as rejects_stored,
           c.load_id is not null as is_correction
    from loads l
    left join stored s using (load_id)
    left join corrected k using (load_id)
    left join rejected r using (load_id)
    left join corrections c using (load_id)
),

final as (
    select * exclude (is_correction) from counted
    where rows_read <> rows_loaded + rejects_stored
        or rows_rejected <> rejects_stored
        -- what a load stored itself (a corrections load: nothing under its own id)
        or rows_stored <> case when is_correction then 0 else rows_loaded end
)

select * from final
