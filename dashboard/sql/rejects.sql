-- Rejected rows, newest load first, at most $limit: those of files whose place lies within the scope (as
-- in loads.sql: a file without a place only for a user who may see everything), and those placed within it
-- themselves (a community's rows in its street's file: its staff's to correct, as waiting_corrections.sql counts them).
select r.*
from rejected_rows r
left join place_tree t on t.code = r.place_code
left join place_tree o on o.code = r.row_place_code
where in_scope($scope, t.district_code, t.street_code, t.code)
    or in_scope($scope, o.district_code, o.street_code, o.code)
order by r.load_id desc, r.sheet_name, r.row_number
limit $limit
