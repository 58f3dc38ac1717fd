-- one row per elder per month, for elders who are special-difficulty, living alone or disabled then
with settings as (
    select * from cfg_settings
),

candidates as (
    -- anyone with a category, or old enough to be 高龄 by the latest as-of date
    select e.*
    from elders e, settings s
    where len(e.categories) > 0
        or cv_age(e.birth_date, (select max(as_of) from month_frame)) >= s.aged_from
),

elder_frame as (
    select
        f.month,
        f.month_start,
        f.month_end,
        f.as_of,
        least(f.month_end, f.as_of) as window_end,
        e.elder_id,
        e.district_code,
        e.street_code,
        e.community_code,
        e.categories,
        e.consent,
        e.reg_date,
        e.exit_date,
        e.roster_risk_level,
        e.elder_name_masked,
        e.id_number_masked,
        e.phone_masked,
        cv_age(e.birth_date, f.as_of) as age,
        cv_age(e.birth_date, f.as_of) >= s.aged_from as is_aged,
        list_has_any(e.categories, s.special_categories)
            or (cv_age(e.birth_date, f.as_of) >= s.aged_from and list_contains(s.special_categories, '高龄'))
            as is_special,
        list_contains(e.categories, '独居') as is_alone,
        list_contains(e.categories, '失能')
            or (s.semi_disabled_counts_as_disabled and list_contains(e.categories, '半失能')) as is_disabled,
        e.consent is not distinct from '不同意' as is_declined,
        (e.reg_date is null or e.reg_date < f.month_start)
            and (e.exit_date is null or e.exit_date >= f.month_start) as is_active_in_month,
        coalesce(e.exit_date between f.month_start and least(f.month_end, f.as_of), false) as exited_in_month,
        (e.reg_date is null or e.reg_date <= f.as_of)
            and (e.exit_date is null or e.exit_date > f.as_of) as is_active_at_as_of
    from candidates e
    cross join month_frame f
    cross join settings s
),

month_visits as (
    select
        v.elder_id,
        f.month_start,
        bool_or(v.is_home_visit) as visited_home,
        bool_or(v.is_successful) as visited_any
    from visits v
    join month_frame f
        on date_trunc('month', v.visit_date) = f.month_start and v.visit_date <= f.as_of
    where v.is_successful
    group by v.elder_id, f.month_start
),

home_visits as (
    select elder_id, visit_date from visits where is_home_visit
),

successful_visits as (
    select elder_id, visit_date, visit_at, method, outcome from visits where is_successful
),

with_last_visits as (
    select
        ef.*,
        coalesce(mv.visited_home, false) as visited_home,
        coalesce(mv.visited_any, false) as visited_any,
        hv.visit_date as last_home_visit_date,
        sv.visit_date as last_visit_date,
        sv.method as last_visit_method,
        sv.outcome as last_visit_outcome,
        coalesce(sv.outcome in ('发现问题', '紧急'), false) as has_open_problem
    from elder_frame ef
    left join month_visits mv using (elder_id, month_start)
    asof left join home_visits hv on hv.elder_id = ef.elder_id and hv.visit_date <= ef.as_of
    asof left join successful_visits sv on sv.elder_id = ef.elder_id and sv.visit_date <= ef.as_of
    where ef.is_special or ef.is_alone or ef.is_disabled
),

rule_levels as (
    select
        w.elder_id,
        w.month_start,
        min(case r.level when '高' then 1 when '中' then 2 end) as rule_rank
    from with_last_visits w
    join cfg_risk_rules r
        on list_has_all(w.categories || case when w.is_aged then ['高龄'] else [] end, r.categories)
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
    join month_frame f on c.set_date is null or c.set_date <= f.as_of
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
        w.categories,
        w.elder_name_masked,
        w.id_number_masked,
        w.phone_masked,
        w.consent,
        w.age,
        w.is_aged,
        w.is_special,
        w.is_alone,
        w.is_disabled,
        w.is_declined,
        w.is_active_in_month,
        w.exited_in_month,
        w.is_active_at_as_of,
        w.exit_date,
        w.risk_level,
        w.is_risk_derived,
        w.has_open_problem,
        w.last_visit_date,
        w.last_visit_method,
        w.last_visit_outcome,
        w.last_home_visit_date,
        w.visited_home,
        w.visited_any,
        -- 月探访率: each variant excludes those who left during the month without its qualifying visit
        w.is_special and w.is_active_in_month and not w.is_declined
            and not (w.exited_in_month and not w.visited_home) as is_eligible_home,
        w.is_special and w.is_active_in_month and not w.is_declined
            and not (w.exited_in_month and not w.visited_any) as is_eligible_any,
        w.is_special and w.is_active_in_month and w.is_declined as is_declined_counted,
        -- 失能帮扶率
        w.is_disabled and w.is_active_at_as_of and not w.is_declined as is_help_eligible,
        coalesce(c.has_designated_contact, false) as has_designated_contact,
        -- 逾期
        i.days as interval_days,
        cast(coalesce(w.last_home_visit_date, w.reg_date, w.as_of) + i.days as date) as due_date,
        greatest(date_diff('day', cast(coalesce(w.last_home_visit_date, w.reg_date, w.as_of) + i.days as date), w.as_of), 0)
            as overdue_days
    from with_risk w
    left join cfg_intervals i on i.risk_level = w.risk_level
    left join contacts c using (elder_id, month_start)
)

select
    *,
    is_eligible_home and visited_home as is_visited_home,
    is_eligible_any and visited_any as is_visited_any,
    is_eligible_home and not visited_home as is_not_visited_this_month,
    is_special and is_active_at_as_of and overdue_days > 0 as is_overdue,
    is_help_eligible and has_designated_contact as is_helped
from final
-- stored in the order person lists ask for: a month and a place, so other row groups are skipped
order by month_start, district_code, street_code, community_code
