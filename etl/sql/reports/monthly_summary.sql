-- the monthly 汇总表: one row per place below $parent (streets of a district, communities of a street)
-- for the month starting $month_start, counted as the month marts count it (as of month_frame.as_of).
-- Every count is a count of people, except visit_count (人次), the emergency visits and the problems
-- (marts/problems: found, closed, referred in the month).
with frame as (
    select month_start, as_of from month_frame where month_start = $month_start
),

children as (
    select t.code, t.level, t.name, t.short_name
    from place_tree t
    where ($parent = 'all' and t.level = 'district') or t.parent_code = $parent
),

-- elders aged 60+ on the roster in the month, on the month's own basis (DESIGN §4: a total that holds the
-- special-difficulty elders the month counts, as "other elders on the roster count only in totals"): those
-- the month counts (elder_months), and the others active in the month as it defines it (on the roster the day
-- before the month began, a listing holding from the person's registration date at the earliest, as
-- elder_periods reads it; not gone before the month began), where their latest listing by the as-of date puts
-- them
counted as (
    select elder_id, district_code, street_code, community_code
    from elder_months
    where month_start = $month_start and is_special_in_month and age >= 60
),

listed as (
    select
        l.id_number as elder_id,
        arg_max(l.district_code, coalesce(l.listed_from, date '0001-01-01')) as district_code,
        arg_max(l.street_code, coalesce(l.listed_from, date '0001-01-01')) as street_code,
        arg_max(l.community_code, coalesce(l.listed_from, date '0001-01-01')) as community_code
    from roster_listings l, frame f
    where coalesce(greatest(l.listed_from, l.reg_date) <= f.as_of, true)
      and (l.listed_to is null or l.listed_to >= f.month_start)
      and (l.exit_date is null or l.exit_date >= f.month_start)
      and cv_age(l.birth_date, f.as_of) >= 60
      and l.id_number not in (select elder_id from counted)
    group by l.id_number
    having bool_or(coalesce(greatest(l.listed_from, l.reg_date) < $month_start, true))
),

on_roster as (
    select * from (select * from counted union all select * from listed)
    where $parent = 'all' or $parent in (district_code, street_code)  -- counted below $parent only
),

aged_60 as (
    select place.code, count(*) as elders_60_count
    from on_roster r, unnest([r.district_code, r.street_code, r.community_code]) as place(code)
    group by place.code
),

-- visits of the month up to the as-of date, with the elder's place that month
month_visits as (
    select v.elder_id, v.method, v.is_successful, m.district_code, m.street_code, m.community_code,
           m.is_eligible_any
    from visits v
    join frame f on v.visit_date >= f.month_start and v.visit_date <= f.as_of
    join elder_months m on m.elder_id = v.elder_id and m.month_start = f.month_start
    where m.is_special_in_month and ($parent = 'all' or $parent in (m.district_code, m.street_code))
),

visit_counts as (
    select
        place.code,
        count(*) filter (where is_successful) as visit_count,  -- 未遇 and 拒访 are no visit (DESIGN §2)
        count(distinct elder_id) filter (where is_eligible_any and is_successful and method = '电话')
            as visited_phone,
        count(distinct elder_id) filter (where is_eligible_any and is_successful and method = '视频')
            as visited_video,
        count(distinct elder_id) filter (
            where is_eligible_any and is_successful and method not in ('上门', '电话', '视频')) as visited_other
    from month_visits v, unnest([v.district_code, v.street_code, v.community_code]) as place(code)
    group by place.code
),

categories as (
    select c.code, map_from_entries(list({'k': c.category, 'v': c.people_count})) as by_category
    from category_months c
    where c.month_start = $month_start
    group by c.code
),

final as (
    select
        k.code,
        k.level,
        k.name,
        k.short_name,
        (select count(*) from place_tree c
         where c.level = 'community' and k.code in (c.code, c.street_code, c.district_code)) as community_count,
        coalesce(a.elders_60_count, 0) as elders_60_count,
        p.special_count,
        coalesce(g.by_category, map()) as by_category,
        coalesce(ch.special_before, 0) as special_before,
        coalesce(ch.joined_count, 0) as joined_count,
        coalesce(ch.left_count, 0) as left_count,
        coalesce(ch.special_now, 0) as special_now,
        p.declined_count,
        p.eligible_home,
        p.visited_home,
        p.eligible_any,
        p.visited_any,
        coalesce(vc.visited_phone, 0) as visited_phone,
        coalesce(vc.visited_video, 0) as visited_video,
        coalesce(vc.visited_other, 0) as visited_other,
        coalesce(vc.visit_count, 0) as visit_count,
        p.alone_count,
        p.contact_days_eligible,
        p.contact_days_covered,
        p.disabled_count,
        p.disabled_with_contact,
        p.disabled_unreported_count,
        p.problem_visit_count,
        p.problem_found_count,
        p.problem_closed_count,
        p.problem_referred_count,
        p.open_problem_count,
        p.emergency_visit_count,
        p.as_of
    from children k
    join place_months p on p.code = k.code and p.month_start = $month_start
    left join aged_60 a on a.code = k.code
    left join categories g on g.code = k.code
    left join place_changes ch on ch.code = k.code and ch.month_start = $month_start
    left join visit_counts vc on vc.code = k.code
    order by k.code
)

select * from final
