-- Load warnings per street and kind within the scope, streets in code order, the commonest kind first.
-- A warning is placed by its community, else its street; one about a whole file has neither and is
-- counted only for a user who may see everything (as in unknown_values.sql).
select s.name as street_name, w.code, count(*) as warning_count, count(distinct w.load_id) as file_count
from load_warnings w
left join place_tree t on t.code = coalesce(w.community_code, w.street_code)
left join place_tree s on s.code = t.street_code
where in_scope($scope, t.district_code, t.street_code, t.code)
group by s.code, s.name, w.code
order by s.code nulls last, warning_count desc, w.code nulls last
