-- One person's name, ID number, phone, address and community as the roster has them, if within the scope.
select e.elder_name as name, e.elder_id as id_number, e.phone, e.address, c.short_name as community
from elders e
join place_tree t on t.code = e.community_code
join place_tree c on c.code = e.community_code
where e.elder_id = $elder_id and in_scope($scope, t.district_code, t.street_code, t.code)
