-- One row if load $load_id's file is held whole by the user's place (its load_places place lies within
-- the scope; a file without a place only for a user who may see everything), else none.
select 1
from load_history l left join place_tree t on t.code = l.place_code
where l.load_id = $load_id and in_scope($scope, t.district_code, t.street_code, t.code)
