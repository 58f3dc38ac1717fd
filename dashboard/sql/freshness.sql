-- How recent the data is: per street within the scope (street_freshness); for a community's staff, their
-- community's own (the street's row would tell of its other communities, and the scope holds no street): the latest
-- visit of its elders, its roster in force, its newest contact list (its own or its street's).
select f.street_name as place_name, f.latest_visit_date, f.visit_count, f.roster_file, f.roster_date,
       f.contacts_file, f.contacts_date, f.street_code as code
from street_freshness f join place_tree t on t.code = f.street_code
where in_scope($scope, t.district_code, t.street_code, t.code)

union all

select c.name, v.latest_visit_date, coalesce(v.visit_count, 0), r.file_name, r.snapshot_date,
       k.file_name, k.snapshot_date, c.code
from place_tree c
left join (
    select max(s.latest_visit_date) as latest_visit_date, sum(s.visit_count)::bigint as visit_count
    from elder_visit_spans s join elders e using (elder_id)
    where e.community_code = $scope
) v on true
left join (
    select file_name, snapshot_date from roster_snapshots where community_code = $scope and next_snapshot_date is null
) r on true
left join (
    select l.file_name, s.snapshot_date
    from contact_snapshots s join loads l using (load_id)
    where s.community_code = $scope and s.valid_to is null
    order by s.snapshot_date desc, s.load_id desc
    limit 1
) k on true
where c.code = $scope and c.level = 'community'

order by code
