-- Roster loads within the scope that need a look (a community left out, many people gone without a status).
select a.load_id, l.file_name, l.report_date, s.name as street_name, c.short_name as community,
       a.code, a.message
from roster_alerts a
join place_tree t on t.code = coalesce(a.community_code, a.street_code)
left join place_tree s on s.code = a.street_code
left join place_tree c on c.code = a.community_code
join loads l on l.load_id = a.load_id
where in_scope($scope, t.district_code, t.street_code, t.code)
order by a.load_id desc, a.street_code, a.community_code
