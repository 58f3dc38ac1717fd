-- one row per place per month per risk level: special-difficulty people active at the as-of date
with people as (
    select *
    from elder_months
    where is_special and is_active_at_as_of
),

final as (
    select
        month_start,
        case
            when grouping(community_code) = 0 then community_code
            when grouping(street_code) = 0 then street_code
            else district_code
        end as code,
        risk_level,
        count(*) as people_count,
        count(*) filter (where is_overdue) as overdue_count,
        count(*) filter (where has_open_problem) as open_problem_count,
        count(*) filter (where is_not_visited_this_month) as not_visited_count
    from people
    group by grouping sets (
        (month_start, district_code, risk_level),
        (month_start, district_code, street_code, risk_level),
        (month_start, district_code, street_code, community_code, risk_level)
    )
)

select * from final
