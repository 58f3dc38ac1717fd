-- the 通报's lagging communities: below 100 % 月探访率 (上门) in the month, under $code, the furthest
-- from the target in people first
with final as (
    select
        c.code,
        c.short_name,
        s.short_name as street_name,
        c.eligible_home,
        c.visited_home,
        c.visit_rate_home,
        c.eligible_home - c.visited_home as still_to_visit
    from place_months c
    join place_tree t on t.code = c.code
    left join place_tree s on s.code = t.street_code
    where c.month_start = $month_start
        and c.level = 'community'
        and $code in (t.district_code, t.street_code)
        and c.visit_rate_home < 1
)

select * from final order by still_to_visit desc, visit_rate_home, code limit $limit
