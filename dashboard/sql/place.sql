-- One place by its code, if it lies within the scope: code, level, name, short name, parent code.
select code, level, name, short_name, parent_code
from place_tree t
where code = $code and in_scope($scope, t.district_code, t.street_code, t.code)
