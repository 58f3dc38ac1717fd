-- one row per place (district, street, community) per month: the three rates with their counts
with elder_facts as (
    select
        m.month_start,
        m.district_code,
        m.street_code,
        m.community_code,
        m.is_special_in_month as is_special_counted,
        m.is_special_at_end,
        m.is_eligible_home,
        m.is_visited_home,
        m.is_eligible_any,
        m.is_visited_any,
        m.is_declined_counted,
        m.is_not_visited_this_month,
        m.is_overdue,
        m.is_help_eligible,
        m.is_helped,
        m.is_help_unreported,
        c.contact_days_eligible,
        c.contact_days_covered,
        c.is_fully_covered,
        c.longest_gap_days,
        -- 独居 on at least one day of the month counted (a person registered on its last day, or who left on its first,
        -- has none: review 13 L3, 独居老年人 3 beside elder-days of 2)
        coalesce(c.contact_days_eligible > 0, false) as is_contact_counted,
        m.is_open_problem,
        m.is_open_problem and m.open_problem_days > 30 as is_open_problem_long,
        -- in several categories in the month, as marts/category_months counts them
        m.is_special_in_month
            and len(m.month_categories) > 1
            as is_multi_category
    from elder_months m
    left join elder_contact_months c using (elder_id, month_start)
),

month_incidents as (
    -- visits in the month that found a problem or an emergency (marts/elder_incident_days), by the elder's place
    select f.month_start, e.district_code, e.street_code, e.community_code,
           sum(i.problem_visit_count) as problem_visit_count,
           sum(i.emergency_visit_count) as emergency_visit_count
    from elder_incident_days i
    join elders e using (elder_id)
    join month_frame f on date_trunc('month', i.visit_date) = f.month_start and i.visit_date <= f.as_of
    group by all
),

incident_rollup as (
    select
        month_start,
        place.code,
        sum(problem_visit_count)::bigint as problem_visit_count,
        sum(emergency_visit_count)::bigint as emergency_visit_count
    from month_incidents, unnest([district_code, street_code, community_code]) as place(code)
    group by month_start, place.code
),

month_problems as (
    -- problems (marts/problems) found or closed in the month up to the as-of date, by the elder's place
    select f.month_start, e.district_code, e.street_code, e.community_code,
           p.opened_date between f.month_start and f.as_of as is_found,
           coalesce(p.closed_date between f.month_start and f.as_of, false) as is_closed,
           p.is_referred,
           p.days_to_close
    from problems p
    join elders e using (elder_id)
    join month_frame f
        on p.opened_date between f.month_start and f.as_of or p.closed_date between f.month_start and f.as_of
),

problem_rollup as (
    select
        month_start,
        place.code,
        count(*) filter (where is_found) as problem_found_count,
        count(*) filter (where is_found and is_referred) as problem_referred_count,
        count(*) filter (where is_closed) as problem_closed_count,
        median(days_to_close) filter (where is_closed) as median_days_to_close
    from month_problems, unnest([district_code, street_code, community_code]) as place(code)
    group by month_start, place.code
),

rollup as (
    -- each person counts in their community, their street and their district: rates from people up
    select
        month_start,
        place.code,
        count(*) filter (where is_special_counted) as special_count,
        count(*) filter (where is_special_at_end) as special_end_count,
        count(*) filter (where is_eligible_home) as eligible_home,
        count(*) filter (where is_visited_home) as visited_home,
        count(*) filter (where is_eligible_any) as eligible_any,
        count(*) filter (where is_visited_any) as visited_any,
        count(*) filter (where is_declined_counted) as declined_count,
        count(*) filter (where is_not_visited_this_month) as not_visited_count,
        count(*) filter (where is_overdue) as overdue_count,
        coalesce(sum(contact_days_eligible), 0)::bigint as contact_days_eligible,
        coalesce(sum(contact_days_covered), 0)::bigint as contact_days_covered,
        count(*) filter (where is_contact_counted) as alone_count,
        count(*) filter (where is_fully_covered) as fully_covered_count,
        max(longest_gap_days) as max_gap_days,
        count(*) filter (where is_open_problem) as open_problem_count,
        count(*) filter (where is_open_problem_long) as open_problem_long_count,
        count(*) filter (where is_multi_category) as multi_category_count,
        count(*) filter (where is_help_eligible) as disabled_count,
        count(*) filter (where is_helped) as disabled_with_contact,
        count(*) filter (where is_help_unreported) as disabled_unreported_count
    from elder_facts, unnest([district_code, street_code, community_code]) as place(code)
    group by month_start, place.code
),

places as (
    select f.month, f.month_start, f.as_of, d.level, d.code, d.name, d.short_name, d.parent_code
    from divisions d
    cross join month_frame f
),

final as (
    select
        p.level,
        p.code,
        p.name,
        p.short_name,
        p.parent_code,
        p.month,
        p.month_start,
        p.as_of,
        coalesce(r.special_count, 0) as special_count,
        coalesce(r.special_end_count, 0) as special_end_count,
        coalesce(r.eligible_home, 0) as eligible_home,
        coalesce(r.visited_home, 0) as visited_home,
        r.visited_home / nullif(r.eligible_home, 0) as visit_rate_home,
        coalesce(r.eligible_any, 0) as eligible_any,
        coalesce(r.visited_any, 0) as visited_any,
        r.visited_any / nullif(r.eligible_any, 0) as visit_rate_any,
        coalesce(r.declined_count, 0) as declined_count,
        coalesce(r.contact_days_eligible, 0) as contact_days_eligible,
        coalesce(r.contact_days_covered, 0) as contact_days_covered,
        r.contact_days_covered / nullif(r.contact_days_eligible, 0) as daily_contact_rate,
        coalesce(r.alone_count, 0) as alone_count,
        coalesce(r.fully_covered_count, 0) as fully_covered_count,
        r.max_gap_days,
        coalesce(r.disabled_count, 0) as disabled_count,
        coalesce(r.disabled_with_contact, 0) as disabled_with_contact,
        r.disabled_with_contact / nullif(r.disabled_count, 0) as help_rate,
        coalesce(r.disabled_unreported_count, 0) as disabled_unreported_count,
        coalesce(r.overdue_count, 0) as overdue_count,
        coalesce(r.not_visited_count, 0) as not_visited_count,
        coalesce(r.open_problem_count, 0) as open_problem_count,
        coalesce(r.open_problem_long_count, 0) as open_problem_long_count,
        coalesce(pr.problem_found_count, 0) as problem_found_count,
        coalesce(pr.problem_closed_count, 0) as problem_closed_count,
        coalesce(pr.problem_referred_count, 0) as problem_referred_count,
        pr.median_days_to_close,
        coalesce(r.multi_category_count, 0) as multi_category_count,
        coalesce(i.problem_visit_count, 0) as problem_visit_count,
        coalesce(i.emergency_visit_count, 0) as emergency_visit_count
    from places p
    left join rollup r using (month_start, code)
    left join incident_rollup i using (month_start, code)
    left join problem_rollup pr using (month_start, code)
)

select * from final
