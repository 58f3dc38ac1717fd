-- Visits that belong to no elder on any roster (unlinked_visits), per street and reason within the scope: how many,
-- in how many files, the latest; streets in code order, the commonest reason first. One without a place is counted
-- only for a user who may see everything (as in warning_counts.sql).
select s.name as street_name, u.reason, count(*) as visit_count, count(distinct u.load_id) as file_count,
       max(u.visit_date) as latest_visit_date
from unlinked_visits u
left join place_tree s on s.code = u.street_code
where in_scope($scope, u.district_code, u.street_code, u.community_code)
group by s.code, s.name, u.reason
order by s.code nulls last, visit_count desc, u.reason
