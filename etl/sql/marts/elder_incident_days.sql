-- one row per elder and day with a visit that found a problem or an emergency (any method): how many of each.
-- What marts/place_months counts by place and month, kept per elder so that a load recomputes only its elders'
-- rows rather than a rollup reading every visit.
with final as (
    select
        elder_id,
        visit_date,
        count(*) filter (where outcome = '发现问题') as problem_visit_count,
        count(*) filter (where outcome = '紧急') as emergency_visit_count
    from visits
    where elder_id is not null and cv_problem_found(outcome)
    group by elder_id, visit_date
)

select * from final
