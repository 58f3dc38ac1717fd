-- Files with rejected rows still waiting for a correction (退回修改), and how many of their rows are the user's to
-- correct: every row of a file of the user's place, and the rows placed in it themselves (a community's rows in its
-- street's file, a street's in its district's); the street each file belongs to (null: a file of several streets),
-- for how many days the rows have waited; per street, the longest waiting first.
with waiting as (
    select r.origin_load_id as load_id, count(*) as waiting_count
    from rejected_rows r
    join load_history h on h.load_id = r.origin_load_id
    left join place_tree t on t.code = h.place_code
    left join place_tree o on o.code = r.row_place_code
    where r.is_waiting
        and h.waiting_count > 0  -- while they matter (load_history: not once a newer roster replaced the file)
        and (in_scope($scope, t.district_code, t.street_code, t.code)
             or in_scope($scope, o.district_code, o.street_code, o.code))
    group by r.origin_load_id
)

select
    t.street_code,
    s.name as street_name,
    h.load_id,
    h.file_name,
    h.kind,
    h.loaded_at,
    w.waiting_count,
    date_diff('day', h.loaded_at::date, current_date) as waiting_days
from waiting w
join load_history h using (load_id)
left join place_tree t on t.code = h.place_code
left join place_tree s on s.code = t.street_code
order by t.street_code nulls last, waiting_days desc, h.load_id
