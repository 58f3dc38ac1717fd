-- Problems followed to closure (etl marts/problems) in $month: the place $code and the places below it
-- (every district when $code is null), within the user's scope. Found, closed and referred in the month;
-- still open at its as-of date (people), longer than 30 days; median days to close those closed.
select
    t.code,
    t.level,
    t.short_name,
    coalesce(t.code = $code, false) as is_target,
    m.problem_found_count,
    m.problem_closed_count,
    m.problem_referred_count,
    m.open_problem_count,
    m.open_problem_long_count,
    m.median_days_to_close,
    m.emergency_visit_count,
    -- a place no roster lists has no elders to count problems of: said, not 0 (as children_month.sql says it)
    t.code not in (select unnest([district_code, street_code, community_code]) from roster_snapshots) as unreported
from place_months m
join place_tree t using (code)
where m.month = $month
    and (t.code = $code or t.parent_code = $code or ($code is null and t.level = 'district'))
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by is_target desc, t.code
