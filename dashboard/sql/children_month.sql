-- One row per child place (the districts, at the root) with data in $month: names, shape flags,
-- the place's counts and rates from place_months, and whether any roster lists it.
select
    t.code, t.name, t.short_name, t.level, t.has_shape, t.is_schematic,
    m.special_count, m.eligible_home, m.visited_home, m.eligible_any, m.visited_any, m.declined_count,
    m.contact_days_eligible, m.contact_days_covered, m.alone_count, m.fully_covered_count,
    m.disabled_count, m.disabled_with_contact, m.disabled_unreported_count, m.overdue_count, m.not_visited_count,
    m.open_problem_count, m.multi_category_count, m.problem_visit_count, m.emergency_visit_count,
    m.visit_rate_home, m.visit_rate_any, m.daily_contact_rate, m.help_rate,
    -- a place no roster lists (未报送底册), as the 汇总表 and the 通报 mark it (reports.summarize): not one with nobody
    t.code not in (select unnest([district_code, street_code, community_code]) from roster_snapshots) as unreported
from place_tree t join place_months m on m.code = t.code and m.month = $month
where is_child($level, $parent, t.level, t.parent_code)
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by t.code
