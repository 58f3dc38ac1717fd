-- The place's counts and rates per month (the districts' summed at the root), the newest $last months
-- up to $until (null: the latest), newest first.
select
    m.month, m.month_start, any_value(m.as_of) as as_of,
    sum(m.special_count)::bigint as special_count,
    sum(m.eligible_home)::bigint as eligible_home,
    sum(m.visited_home)::bigint as visited_home,
    sum(m.eligible_any)::bigint as eligible_any,
    sum(m.visited_any)::bigint as visited_any,
    sum(m.declined_count)::bigint as declined_count,
    sum(m.contact_days_eligible)::bigint as contact_days_eligible,
    sum(m.contact_days_covered)::bigint as contact_days_covered,
    sum(m.alone_count)::bigint as alone_count,
    sum(m.fully_covered_count)::bigint as fully_covered_count,
    sum(m.disabled_count)::bigint as disabled_count,
    sum(m.disabled_with_contact)::bigint as disabled_with_contact,
    sum(m.disabled_unreported_count)::bigint as disabled_unreported_count,
    sum(m.overdue_count)::bigint as overdue_count,
    sum(m.not_visited_count)::bigint as not_visited_count,
    sum(m.open_problem_count)::bigint as open_problem_count,
    sum(m.multi_category_count)::bigint as multi_category_count,
    sum(m.problem_visit_count)::bigint as problem_visit_count,
    sum(m.emergency_visit_count)::bigint as emergency_visit_count,
    -- each rate recounted from its summed numerator and denominator (never averaged), null without
    -- people: the pairs of dashboard/measures.py RATES
    sum(m.visited_home) / nullif(sum(m.eligible_home), 0) as visit_rate_home,
    sum(m.visited_any) / nullif(sum(m.eligible_any), 0) as visit_rate_any,
    sum(m.contact_days_covered) / nullif(sum(m.contact_days_eligible), 0) as daily_contact_rate,
    sum(m.disabled_with_contact) / nullif(sum(m.disabled_count), 0) as help_rate,
    max(m.max_gap_days) as max_gap_days
from place_months m join place_tree t using (code)
where is_target($level, $code, t.level, t.code)
    and in_scope($scope, t.district_code, t.street_code, t.code)
    and ($until is null or m.month <= $until)
group by m.month, m.month_start
order by m.month_start desc
limit $last
