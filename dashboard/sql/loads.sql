-- The load history, newest first: the files whose place (load_places) lies within the scope; a file no
-- single district holds has no place and is shown only to a user who may see everything.
select l.*
from load_history l left join place_tree t on t.code = l.place_code
where in_scope($scope, t.district_code, t.street_code, t.code)
order by l.load_id desc
