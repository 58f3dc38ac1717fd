-- Of the places $codes, the streets and communities whose street's visit records begin only in the month $month_start
-- or later (marts/street_records; or that has no record yet): their month before counts nobody visited for want of
-- records, no figure to compare a month with (probe 29 M4: a street's first files were compared with a November at
-- 0 %, +75 个百分点). The overview's and the 通报's comparisons leave them out.
select t.code
from place_tree t
join place_tree s on s.code = case when t.level = 'street' then t.code else t.street_code end
left join street_records r on r.street_code = s.code
where list_contains($codes, t.code) and t.level in ('street', 'community')
    and coalesce(r.first_visit_date >= $month_start, true)
