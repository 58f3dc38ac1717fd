-- one row per elder with a visit on record (any method or outcome): the first and the latest visit date and
-- the number of visits. What marts/street_records and marts/street_freshness sum up by street, kept per
-- elder so that a load recomputes only its elders' rows.
with final as (
    select elder_id, min(visit_date) as first_visit_date, max(visit_date) as latest_visit_date,
           count(*) as visit_count
    from visits
    where elder_id is not null
    group by elder_id
)

select * from final
