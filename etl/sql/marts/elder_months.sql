-- one row per elder per month, for elders who are special-difficulty, living alone or disabled then
with settings as (
    select * from cfg_settings
),

frame as (
    select *, least(month_end, as_of) as window_end, cast(month_start - interval 1 day as date) as previous_end
    from month_frame
),

touching as (
    -- each elder's periods on the roster from the end of the month before up to the as-of date
    select
        f.month_start,
        f.previous_end,
        f.window_end,
        p.*,
        list_has_any(p.categories, s.special_categories) as is_marked,
        cv_on_roster(f.previous_end, p.valid_from, p.valid_to) as holds_at_start,
        cv_on_roster(f.window_end, p.valid_from, p.valid_to) as holds_at_end,
        cv_on_roster(f.as_of, p.valid_from, p.valid_to) as holds_at_as_of
    from elder_periods p
    join frame f
        on (p.valid_from is null or p.valid_from <= f.as_of)
        and (p.valid_to is null or p.valid_to > f.previous_end)
    cross join settings s
),

month_states as (
    -- where and as what each elder stood at the end of the month before, at the window's end, at the as-of date
    select
        elder_id,
        month_start,
        bool_or(holds_at_start) as was_on_roster,
        bool_or(holds_at_start and is_marked) as was_marked,
        any_value(district_code) filter (where holds_at_start) as start_district_code,
        any_value(street_code) filter (where holds_at_start) as start_street_code,
        any_value(community_code) filter (where holds_at_start) as start_community_code,
        bool_or(holds_at_end) as is_on_roster_at_end,
        bool_or(holds_at_end and is_marked) as is_marked_at_end,
        bool_or(holds_at_as_of) as is_active_at_as_of,
        -- every category the roster gave the elder in the month up to the window's end: one whose 空巢 a snapshot
        -- of the 20th removed still counted as 空巢 in the month (review 10b: in 合计 and 应上门, in no category)
        list_distinct(flatten(list(categories) filter (where valid_from is null or valid_from <= window_end)))
            as month_categories,
        -- the month's own row: the latest period begun by the window's end
        arg_max(period_id, coalesce(valid_from, date '0001-01-01'))
            filter (where valid_from is null or valid_from <= window_end) as period_id
    from touching
    group by elder_id, month_start
),

elder_frame as (
    select
        f.month,
        f.month_start,
        f.month_end,
        f.as_of,
        f.window_end,
        e.elder_id,
        e.district_code,
        e.street_code,
        e.community_code,
        ms.start_district_code,
        ms.start_street_code,
        ms.start_community_code,
        -- the person's categories: as the roster marks them, and 高龄 from the birth date (DESIGN §4); and every one
        -- they held in the month, which the month's counts by category count (marts/category_months)
        list_sort(list_distinct(
            e.categories || case when cv_age(e.birth_date, f.as_of) >= s.aged_from then ['高龄'] else [] end
        )) as categories,
        list_sort(list_distinct(
            ms.month_categories || case when cv_age(e.birth_date, f.as_of) >= s.aged_from then ['高龄'] else [] end
        )) as month_categories,
        e.consent,
        e.reg_date,
        e.joined_on,
        -- since when the elder is special-difficulty without a break, by the marking or by the 80th birthday (null:
        -- for all we know, always): a newly marked elder, or one who has just turned 80, is due a visit from then
        least(case when list_has_any(e.categories, s.special_categories)
                   then coalesce(e.marked_since, date '0001-01-01') end,
              case when cv_age(e.birth_date, f.as_of) >= s.aged_from and list_contains(s.special_categories, '高龄')
                   -- (the birthday as cv_age counts it: a 29 February one on 1 March; in Spark's functions too)
                   then make_date(year(e.birth_date) + s.aged_from, month(e.birth_date), 1)
                        + cast(day(e.birth_date) - 1 as integer)
              end) as special_since,
        e.valid_from,
        e.valid_to,
        e.end_reason,
        e.roster_risk_level,
        cv_mask_name(e.elder_name) as elder_name_masked,
        cv_mask_id(e.elder_id) as id_number_masked,
        cv_mask_phone(e.phone) as phone_masked,
        cv_age(e.birth_date, f.as_of) as age,
        cv_age(e.birth_date, f.as_of) >= s.aged_from as is_aged,
        list_contains(s.special_categories, '高龄') as aged_counts,
        ms.was_on_roster as is_active_in_month,
        ms.was_marked,
        ms.is_marked_at_end,
        ms.is_on_roster_at_end,
        ms.was_on_roster
            and (ms.was_marked or (cv_age(e.birth_date, f.previous_end) >= s.aged_from and aged_counts)) as was_special,
        ms.is_on_roster_at_end
            and (ms.is_marked_at_end or (cv_age(e.birth_date, f.window_end) >= s.aged_from and aged_counts))
            as is_special_at_end,
        -- counted in the month: special-difficulty and on the roster when it began (高龄 at the as-of date)
        ms.was_on_roster and (ms.was_marked or (is_aged and aged_counts)) as is_special_in_month,
        ms.is_on_roster_at_end and (ms.is_marked_at_end or (is_aged and aged_counts)) as stays_special,
        list_has_any(e.categories, s.special_categories) or (is_aged and aged_counts) as is_special,
        list_contains(e.categories, '独居') as is_alone,
        list_contains(e.categories, '失能')
            or (s.semi_disabled_counts_as_disabled and list_contains(e.categories, '半失能')) as is_disabled,
        e.consent is not distinct from '不同意' as is_declined,
        ms.is_active_at_as_of
    from month_states ms
    join frame f using (month_start)
    join elder_periods e using (elder_id, period_id)
    cross join settings s
),

as_of_windows as (
    -- each frame month's as-of date's own month, from its first day to the as-of date: a whole month
    -- when the as-of date is its last day
    select
        month_start,
        cast(date_trunc('month', as_of) as date) as as_of_month,
        as_of,
        as_of = last_day(as_of) as is_whole_month
    from month_frame
),

as_of_month_visits as (
    -- each elder's last successful and last home visit in the as-of date's own month, up to the as-of
    -- date; the months before it come from marts/elder_visit_months, and so does a whole month
    select w.month_start, m.elder_id, m.last_visit, m.last_home_visit_date
    from elder_visit_months m
    join as_of_windows w on m.visit_month = w.as_of_month
    where w.is_whole_month
    union all
    -- part of a month (the month in progress, or a month at another as-of date): its visits, linked to
    -- elders by name (marts/visits) within the frame's bounds only, which reach the scan
    select
        w.month_start,
        v.elder_id,
        arg_min(cv_last_visit(v.visit_date, v.method, v.outcome),
                cv_last_visit_key(v.visit_at, v.method, v.outcome)) as last_visit,
        max(v.visit_date) filter (where v.is_home_visit) as last_home_visit_date
    from visits v
    join as_of_windows w on v.visit_date between w.as_of_month and w.as_of and not w.is_whole_month
    where v.is_successful
        and v.visit_date between (select min(as_of_month) from as_of_windows where not is_whole_month)
                             and (select max(as_of) from as_of_windows where not is_whole_month)
    group by w.month_start, v.elder_id
),

month_visits as (
    -- whether the frame month had a successful (a home) visit by the as-of date: a month counted to its
    -- last day or later, from its row of marts/elder_visit_months; a month counted to an earlier day is
    -- the as-of date's own month, read above
    select f.month_start, m.elder_id, m.last_home_visit_date is not null as visited_home, true as visited_any
    from elder_visit_months m
    join month_frame f on m.visit_month = f.month_start
    where f.as_of >= f.month_end
    union all
    select a.month_start, a.elder_id, a.last_home_visit_date is not null as visited_home, true as visited_any
    from as_of_month_visits a
    join month_frame f using (month_start)
    where f.as_of < f.month_end
),

open_problems as (
    -- a problem (marts/problems, where the rule lives) found by the as-of date and not closed by then
    select p.elder_id, f.month_start, min(p.opened_date) as open_problem_since,
        bool_or(p.is_emergency) as open_problem_is_emergency
    from problems p
    join month_frame f on p.opened_date <= f.as_of and (p.closed_date is null or p.closed_date > f.as_of)
    group by p.elder_id, f.month_start
),

visits_before as (
    -- each elder's last successful visit and last home visit before the as-of date's own month: their latest
    -- row of marts/elder_visit_months before it (home_visit_through only grows, so its max is that row's). An
    -- aggregate, not an as-of join, which sorted every row of elder_visit_months (a province's month: 1.3 of
    -- 3.6 CPU-s; a whole build 61 CPU-s against 54)
    select f.month_start, m.elder_id, arg_max(m.last_visit, m.visit_month) as last_visit,
           max(m.home_visit_through) as home_visit_through
    from elder_visit_months m
    join month_frame f on m.visit_month < date_trunc('month', f.as_of)
    group by f.month_start, m.elder_id
),

with_last_visits as (
    select
        ef.*,
        coalesce(mv.visited_home, false) as visited_home,
        coalesce(mv.visited_any, false) as visited_any,
        coalesce(am.last_home_visit_date, sv.home_visit_through) as last_home_visit_date,
        coalesce(am.last_visit, sv.last_visit).visit_date as last_visit_date,
        coalesce(am.last_visit, sv.last_visit).method as last_visit_method,
        coalesce(am.last_visit, sv.last_visit).outcome as last_visit_outcome,
        op.elder_id is not null as has_open_problem,
        op.open_problem_since,
        op.open_problem_is_emergency
    from elder_frame ef
    left join month_visits mv using (elder_id, month_start)
    left join open_problems op using (elder_id, month_start)
    left join as_of_month_visits am using (elder_id, month_start)
    left join visits_before sv using (elder_id, month_start)
    where ef.is_special or ef.is_special_in_month or ef.was_special or ef.is_alone or ef.is_disabled
),

rule_levels as (
    select
        w.elder_id,
        w.month_start,
        min(case r.level when '高' then 1 when '中' then 2 end) as rule_rank
    from with_last_visits w
    join cfg_risk_rules r
        on list_has_all(w.categories, r.categories)
    group by w.elder_id, w.month_start
),

with_risk as (
    select
        w.*,
        coalesce(
            w.roster_risk_level,
            case
                when rl.rule_rank = 1 or (s.high_on_open_problem and w.has_open_problem) then '高'
                when rl.rule_rank = 2 then '中'
                else '低'
            end
        ) as risk_level,
        w.roster_risk_level is null as is_risk_derived
    from with_last_visits w
    cross join settings s
    left join rule_levels rl using (elder_id, month_start)
),

contacts as (
    select c.elder_id, f.month_start, bool_or(c.is_usable) as has_designated_contact
    from designated_contacts c
    -- the contact people of the list in force at the as-of date, designated by then
    join month_frame f
        on cv_on_roster(f.as_of, c.valid_from, c.valid_to) and (c.set_date is null or c.set_date <= f.as_of)
    -- on a list of the elder's own place that month: its community's, or its street's without communities (a
    -- community's list replaces that community only; probe 32 H1: a stale row of another community's list had kept an
    -- elder helped after their own community's newer list left them out)
    join with_risk w on w.elder_id = c.elder_id and w.month_start = f.month_start
        and c.street_code is not distinct from w.street_code
        and (c.community_code is null or c.community_code is not distinct from w.community_code)
    group by c.elder_id, f.month_start
),

final as (
    select
        w.month,
        w.month_start,
        w.as_of,
        w.elder_id,
        w.district_code,
        w.street_code,
        w.community_code,
        w.start_district_code,
        w.start_street_code,
        w.start_community_code,
        w.categories,
        w.month_categories,
        w.elder_name_masked,
        w.id_number_masked,
        w.phone_masked,
        w.consent,
        w.age,
        w.is_aged,
        w.is_special,
        w.is_special_in_month,
        w.was_special,
        w.is_special_at_end,
        w.is_alone,
        w.is_disabled,
        w.is_declined,
        w.is_active_in_month,
        -- left the month's special-difficulty count before its end: an exit, a newer roster without
        -- them, or the marking removed
        w.is_special_in_month and not w.stays_special as exited_in_month,
        case when w.is_special_in_month and not w.stays_special
             then case when w.valid_to <= w.window_end then w.valid_to else w.valid_from end end as exit_date,
        -- why the elder is no longer on the roster at the window's end (死亡 … or 去向未说明)
        case when w.valid_to <= w.window_end then w.end_reason end as exit_reason,
        -- 底册变动: why the elder joined or left the special-difficulty count since the month before
        -- (a move between places is told apart per level, in place_changes)
        case when w.is_special_at_end and not w.was_special then
            case
                when not w.is_active_in_month then 'registered'
                when w.is_marked_at_end and not w.was_marked then 'marked'
                else 'turned_80'
            end
        end as joined_reason,
        case when w.was_special and not w.is_special_at_end then
            case
                when w.is_on_roster_at_end then 'unmarked'
                when w.end_reason = '死亡' then 'died'
                when w.end_reason = '迁出' then 'moved_out'
                when w.end_reason = '入住机构' then 'institution'
                when w.end_reason = '外出' then 'away'
                else 'unexplained'
            end
        end as left_reason,
        w.joined_on,
        w.special_since,
        w.is_active_at_as_of,
        w.risk_level,
        w.is_risk_derived,
        w.has_open_problem,
        -- still open: a problem or emergency not closed by the as-of date (marts/problems), of someone
        -- special on the roster at the as-of date; and for how many days
        w.is_special and w.is_active_at_as_of and w.has_open_problem as is_open_problem,
        case when w.has_open_problem then date_diff('day', w.open_problem_since, w.as_of) end as open_problem_days,
        w.open_problem_since,
        w.open_problem_is_emergency,
        w.last_visit_date,
        w.last_visit_method,
        w.last_visit_outcome,
        w.last_home_visit_date,
        w.visited_home,
        w.visited_any,
        -- 月探访率: each variant excludes those who left during the month without its qualifying visit
        w.is_special_in_month and not w.is_declined
            and not (w.is_special_in_month and not w.stays_special and not w.visited_home) as is_eligible_home,
        w.is_special_in_month and not w.is_declined
            and not (w.is_special_in_month and not w.stays_special and not w.visited_any) as is_eligible_any,
        w.is_special_in_month and w.is_declined as is_declined_counted,
        -- 失能帮扶率
        w.is_disabled and w.is_active_at_as_of and not w.is_declined as is_help_eligible,
        coalesce(c.has_designated_contact, false) as has_designated_contact,
        -- of a community no contact list covers (未报送联系人情况表): a list of one community covers that community, a
        -- street's (naming several communities, or none) every community of the street; counted as the rate says,
        -- and said apart. A street's communities that send their lists one by one are not 0 % before theirs comes
        -- (probe 26 M3)
        w.is_disabled and w.is_active_at_as_of and not w.is_declined and cl.listed_community is null
            as is_help_unreported,
        -- 逾期: from the last home visit; without one on record, from when the elder came onto the
        -- roster or the street's records begin, whichever is later (记录期内未上门); and from when the elder became
        -- special-difficulty at the earliest (DESIGN §4: one newly marked counts from that date)
        i.days as interval_days,
        w.last_home_visit_date is null as is_never_home_visited,
        cast(greatest(coalesce(w.last_home_visit_date,
                               greatest(w.joined_on, coalesce(rs.first_visit_date, fv.first_visit_date)), w.as_of),
                      w.special_since)
             + i.days as date) as due_date
    from with_risk w
    left join cfg_intervals i on i.risk_level = w.risk_level
    left join contacts c using (elder_id, month_start)
    left join (
        select distinct coalesce(d.code, l.community_code) as listed_community
        from (select load_id, street_code, any_value(community_code) as community_code,
                     count(distinct community_code) = 1 as of_one
              from contact_rows group by load_id, street_code) l
        left join divisions d on not l.of_one and d.parent_code = l.street_code and d.level = 'community'
    ) cl on cl.listed_community = w.community_code
    left join street_records rs using (street_code)
    cross join (select min(first_visit_date) as first_visit_date from street_records) fv
)

select
    *,
    greatest(date_diff('day', due_date, as_of), 0) as overdue_days,
    is_eligible_home and visited_home as is_visited_home,
    is_eligible_any and visited_any as is_visited_any,
    is_eligible_home and not visited_home as is_not_visited_this_month,
    is_special and is_active_at_as_of and due_date < as_of as is_overdue,
    is_help_eligible and has_designated_contact as is_helped
from final
-- stored in the order person lists ask for: a month and a place, so other row groups are skipped
order by month_start, district_code, street_code, community_code
