-- Whether the visits of month $month within $place and the user's $scope carry GPS points and entry times (录入时间):
-- without them the distance and late-entry signals cannot speak for that place. (Asked of the whole warehouse, a
-- street whose files carry neither had read "本月没有此类线索" beside another street's points.)
select
    coalesce(bool_or(v.latitude is not null), false) as has_points,
    coalesce(bool_or(v.entered_at is not null), false) as has_entry_times
from visit_rows v
join month_frame f on f.month = $month
join place_tree t on t.code = v.community_code
where v.visit_date >= f.month_start and v.visit_date < f.month_start + interval 1 month
    and ($place = 'all' or $place in (t.district_code, t.street_code, t.code))
    and in_scope($scope, t.district_code, t.street_code, t.code)
