-- Rejected rows, newest load first, at most $limit: those of files whose place lies within the scope (as
-- in loads.sql: a file without a place only for a user who may see everything).
select r.*
from rejected_rows r left join place_tree t on t.code = r.place_code
where in_scope($scope, t.district_code, t.street_code, t.code)
order by r.load_id desc, r.sheet_name, r.row_number
limit $limit
