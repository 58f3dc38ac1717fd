-- Files with rejected rows still waiting for a correction (退回修改), within the user's place: the street
-- they belong to (null: a file of several streets), how many rows wait and for how many days; per
-- street, the longest waiting first.
select
    t.street_code,
    s.name as street_name,
    h.load_id,
    h.file_name,
    h.kind,
    h.loaded_at,
    h.waiting_count,
    date_diff('day', h.loaded_at::date, current_date) as waiting_days
from load_history h
left join place_tree t on t.code = h.place_code
left join place_tree s on s.code = t.street_code
where h.waiting_count > 0
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by t.street_code nulls last, waiting_days desc, h.load_id
