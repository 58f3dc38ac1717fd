-- one row per place per month per risk level: special-difficulty people active at the as-of date
with people as (
    select *
    from elder_months
    where is_special and is_active_at_as_of
),

final as (
    -- each person counts in their community, their street and their district
    select
        p.month_start,
        place.code,
        p.risk_level,
        count(*) as people_count,
        count(*) filter (where p.is_overdue) as overdue_count,
        count(*) filter (where p.is_open_problem) as open_problem_count,
        count(*) filter (where p.is_not_visited_this_month) as not_visited_count
    from people p, unnest([p.district_code, p.street_code, p.community_code]) as place(code)
    group by p.month_start, place.code, p.risk_level
)

select * from final
