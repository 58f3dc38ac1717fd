-- one row per community within $place (and the user's $scope) with special-difficulty elders in the month
-- $month_start: its 月探访率 (上门), the people still to visit, its visit-quality leads, and the weight a
-- check-list draw gives it. Every community may be drawn; each person still to visit and each lead
-- make it likelier (a lead counts as five people: an inspector's visit is what settles it). Of a month in progress
-- ($in_progress: months.in_progress) only those already overdue weigh: one due later in the month is no finding
-- yet (probe 30 M5: on the 6th, every community's weight was its whole list).
with communities as (
    select t.code, t.name, t.short_name, t.street_code, s.short_name as street_name
    from place_tree t
    left join place_tree s on s.code = t.street_code
    where t.level = 'community'
        and ($place = 'all' or $place in (t.district_code, t.street_code, t.code))
        and ($scope = 'all' or $scope in (t.district_code, t.street_code, t.code))
),

leads as (
    select community_code as code, count(distinct lead_key) as lead_count
    from visit_signals
    where month_start = $month_start
    group by community_code
),

overdue as (
    -- not visited this month and already overdue on the as-of date
    select community_code as code, count(*) as overdue_unvisited_count
    from elder_months
    where month_start = $month_start and is_eligible_home and not visited_home and is_overdue
    group by community_code
),

final as (
    select
        c.*,
        m.eligible_home,
        m.visited_home,
        m.visit_rate_home,
        m.eligible_home - m.visited_home as to_visit_count,
        coalesce(o.overdue_unvisited_count, 0) as overdue_unvisited_count,
        coalesce(l.lead_count, 0) as lead_count,
        -- checklist.LEAD_WEIGHT: a lead counts as that many elders still to visit
        1 + case when $in_progress then coalesce(o.overdue_unvisited_count, 0)
                 else m.eligible_home - m.visited_home end
            + $lead_weight * coalesce(l.lead_count, 0) as draw_weight
    from communities c
    join place_months m on m.code = c.code and m.month_start = $month_start
    left join leads l on l.code = c.code
    left join overdue o on o.code = c.code
    where m.special_count > 0
)

select * from final order by street_code, code
