-- The rosters in force within the scope: per street and file, the communities it is current for and how
-- many elders they list (a community's own newer file is a row of its own).
select s.name as street_name, r.file_name, r.snapshot_date, count(*) as community_count,
       string_agg(c.short_name, '、' order by r.community_code) as communities,
       sum(r.elder_count)::bigint as elder_count
from roster_snapshots r
join place_tree t on t.code = r.community_code
join place_tree s on s.code = r.street_code
join place_tree c on c.code = r.community_code
where r.next_snapshot_date is null and in_scope($scope, t.district_code, t.street_code, t.code)
group by r.street_code, s.name, r.load_id, r.file_name, r.snapshot_date
order by r.street_code, r.snapshot_date desc, r.load_id desc
