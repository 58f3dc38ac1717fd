-- 底数不清 within the scope: elders on current rosters whose attributes contradict their marking (masked).
select s.name as street_name, c.short_name as community, f.elder_name_masked as name,
       f.id_number_masked as id_number, f.finding, f.file_name, f.row_number
from roster_findings f
join place_tree t on t.code = f.community_code
join place_tree s on s.code = f.street_code
join place_tree c on c.code = f.community_code
where in_scope($scope, t.district_code, t.street_code, t.code)
order by f.street_code, f.community_code, f.row_number
