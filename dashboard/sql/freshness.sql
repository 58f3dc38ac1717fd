-- Per street within the scope: the latest visit, the number of visits, the roster and contacts files and dates.
select f.street_name, f.latest_visit_date, f.visit_count, f.roster_file, f.roster_date,
       f.contacts_file, f.contacts_date
from street_freshness f join place_tree t on t.code = f.street_code
where in_scope($scope, t.district_code, t.street_code, t.code)
order by f.street_code
