-- The alerts of the loads within the scope (marts/load_alerts.sql: what the clerk was told after each load), newest
-- load first; an alert of a file no single district holds only to a user who may see everything.
select a.load_id, l.file_name, l.report_date, s.name as street_name,
       case when t.level = 'community' then t.short_name end as community, a.code, a.message
from load_alerts a
left join place_tree t on t.code = a.place_code
left join place_tree s on s.code = t.street_code
join loads l on l.load_id = a.load_id
where in_scope($scope, t.district_code, t.street_code, t.code)
order by a.load_id desc, t.street_code, a.place_code, a.code
