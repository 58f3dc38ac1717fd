-- People, overdue and open problems per risk level in each child place (the districts, at the root) in $month; a
-- community's own, which has none below it.
select t.code, t.short_name, r.risk_level, r.people_count, r.overdue_count, r.open_problem_count
from risk_months r join place_tree t using (code)
join month_frame f on f.month_start = r.month_start
where f.month = $month
    and (is_child($level, $parent, t.level, t.parent_code) or ($level = 'community' and t.code = $parent))
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by t.code, r.risk_level
