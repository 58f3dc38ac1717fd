-- one row per street whose records hold a visit (marts/elder_visit_spans): the day the warehouse's visit records of it
-- begin (before it, it knows nothing of their visits: 记录期内未上门 counts from then, DESIGN §4)
with final as (
    select street_code, min(first_visit_date) as first_visit_date
    from elder_visit_spans
    where street_code is not null
    group by street_code
)

select * from final
