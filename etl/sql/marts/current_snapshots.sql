-- one row per kind (roster, contacts) per street: the load whose rows are that street's current list
with snapshot_loads as (
    select
        load_id,
        kind,
        -- a file without 填报日期 is taken to be at least as new as everything loaded before it
        coalesce(report_date, max(report_date) over (
            partition by kind order by load_id rows between unbounded preceding and 1 preceding
        )) as snapshot_date
    from loads
    where kind in ('roster', 'contacts')
),

street_loads as (
    select distinct street_code, load_id from roster_rows
    union
    select distinct street_code, load_id from contact_rows
),

final as (
    select s.kind, sl.street_code, s.load_id, s.snapshot_date
    from street_loads sl
    join snapshot_loads s using (load_id)
    qualify row_number() over (
        partition by s.kind, sl.street_code order by s.snapshot_date desc nulls last, s.load_id desc
    ) = 1
)

select * from final
