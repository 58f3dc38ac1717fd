-- one row per street whose elders have a visit on record: the day the warehouse's visit records of it
-- begin (before it, it knows nothing of their visits: 记录期内未上门 counts from then, DESIGN §4)
with final as (
    select e.street_code, min(v.first_visit_date) as first_visit_date
    from elder_visit_spans v
    join elders e using (elder_id)
    group by e.street_code
)

select * from final
