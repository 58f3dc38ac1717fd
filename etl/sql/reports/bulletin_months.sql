-- the 通报's place, one row per month up to $month_start (the last 12): its rates with their counts,
-- and its problems (marts/problems), as the month marts on this connection hold them
with final as (
    select
        p.month,
        p.month_start,
        p.as_of,
        p.eligible_home,
        p.visited_home,
        p.visit_rate_home,
        p.eligible_any,
        p.visited_any,
        p.visit_rate_any,
        p.contact_days_eligible,
        p.contact_days_covered,
        p.daily_contact_rate,
        p.disabled_count,
        p.disabled_with_contact,
        p.help_rate,
        p.disabled_unreported_count,
        p.problem_found_count,
        p.problem_closed_count,
        p.problem_referred_count,
        p.open_problem_count,
        p.open_problem_long_count,
        p.median_days_to_close,
        p.emergency_visit_count,
        p.overdue_count
    from place_months p
    where p.code = $code and p.month_start <= $month_start and p.month_start > $month_start - interval 12 month
)

select * from final order by month_start
