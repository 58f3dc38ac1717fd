-- Lagging places, the one ranking of them: places of $level (street | community) within $place ('all' or a code) and
-- the user's $scope ('all' or a code), for the month starting $month_start. Each with 月探访率 (上门) and its
-- counts, the people still to visit, the two months before, the month's visit-quality leads, and a traffic light
-- (green from $green_from, the target; amber from $amber_from; red below; etl/settings.py). Lowest rate first; of
-- equal rates, the most people still to visit first. The 督查 screen ranks by it, and the 通报 names its first
-- communities short of green (etl/bulletin.py), so the two never disagree on who lags most (review 11b M7).
with places as (
    select t.code, t.name, t.short_name, t.level, t.street_code, p.short_name as parent_short_name
    from place_tree t
    left join place_tree p on p.code = t.parent_code
    where t.level = $level
        and ($place = 'all' or $place in (t.district_code, t.street_code, t.code))
        and ($scope = 'all' or $scope in (t.district_code, t.street_code, t.code))
),

figures as (
    select
        m.code,
        max(m.visited_home) filter (where m.month_start = $month_start) as visited_home,
        max(m.eligible_home) filter (where m.month_start = $month_start) as eligible_home,
        max(m.visit_rate_home) filter (where m.month_start = $month_start) as visit_rate_home,
        max(m.visit_rate_home) filter (where m.month_start = $month_start - interval 1 month) as rate_1_month_ago,
        max(m.visit_rate_home) filter (where m.month_start = $month_start - interval 2 month) as rate_2_months_ago
    from place_months m
    where m.code in (select code from places)
        and m.month_start between $month_start - interval 2 month and $month_start
    group by m.code
),

leads as (
    select case $level when 'street' then s.street_code else s.community_code end as code,
           count(distinct s.lead_key) as lead_count
    from visit_signals s
    where s.month_start = $month_start
    group by all
),

final as (
    select
        p.*,
        f.visited_home,
        f.eligible_home,
        f.visit_rate_home,
        f.eligible_home - f.visited_home as to_visit_count,
        f.rate_1_month_ago,
        f.rate_2_months_ago,
        coalesce(l.lead_count, 0) as lead_count,
        case when f.visit_rate_home is null then null
             when f.visit_rate_home >= $green_from then 'green'
             when f.visit_rate_home >= $amber_from then 'amber'
             else 'red' end as light
    from places p
    join figures f using (code)
    left join leads l using (code)
    where f.eligible_home > 0
)

select * from final
order by visit_rate_home, to_visit_count desc, code
