-- The children of a place within the scope (the districts, at the root), in code order.
select code, level, name, short_name, parent_code
from place_tree t
where is_child($level, $parent, t.level, t.parent_code)
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by code
