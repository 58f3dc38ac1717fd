-- Every place the user may pick: code, level, name, short name, the parent's code and short name.
select t.code, t.level, t.name, t.short_name, t.parent_code, p.short_name as parent_short_name
from place_tree t left join place_tree p on p.code = t.parent_code
where in_scope($scope, t.district_code, t.street_code, t.code)
order by t.code
