-- one row per problem: from the visit that found it (发现问题 or 紧急) to the visit that closed it.
-- The rule, once: a problem closes at the first visit from then on whose 处置结果 says it was handled
-- (已解决 …, the finding visit's own included: handled on the spot), or, on a visit with nothing
-- written as 处置结果 (exports without the column), at the first later successful home visit that
-- finds nothing. A visit that finds a problem while one is open belongs to that one.
with events as (
    select
        elder_id,
        visit_at,
        visit_date,
        outcome,
        coalesce(is_referred, false) as is_referred,
        is_successful and cv_problem_found(outcome) as finds_problem,
        resolution is not distinct from '已解决' as records_handled,
        resolution is null and is_home_visit and outcome = '正常' as finds_nothing_at_home
    from visits
    where elder_id is not null
),

findings as (
    select * from events where finds_problem
),

handled as (
    select elder_id, visit_at, is_referred from events where records_handled
),

nothing_found as (
    select elder_id, visit_at, is_referred from events where finds_nothing_at_home
),

closed as (
    -- each finding with the first visit that closes it: handled at or after it, or nothing found after it
    select
        f.elder_id,
        f.visit_at,
        f.visit_date,
        f.outcome,
        f.is_referred,
        case when n.visit_at is null or h.visit_at <= n.visit_at then h.visit_at else n.visit_at end as closed_at,
        case when n.visit_at is null or h.visit_at <= n.visit_at then h.is_referred else n.is_referred end
            as is_referred_on_closing
    from findings f
    asof left join handled h on h.elder_id = f.elder_id and h.visit_at >= f.visit_at
    asof left join nothing_found n on n.elder_id = f.elder_id and n.visit_at > f.visit_at
),

final as (
    select
        elder_id,
        min(visit_at) as opened_at,
        min(visit_date) as opened_date,
        closed_at,
        cast(closed_at as date) as closed_date,
        date_diff('day', min(visit_date), cast(closed_at as date)) as days_to_close,
        count(*) as finding_count,
        bool_or(outcome = '紧急') as is_emergency,
        bool_or(is_referred) or coalesce(any_value(is_referred_on_closing), false) as is_referred
    from closed
    group by elder_id, closed_at
)

select * from final
