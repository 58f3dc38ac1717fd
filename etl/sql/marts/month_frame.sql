-- one row per reported month: its days and the as-of date of its figures (the data date for the latest)
with bounds as (
    select
        coalesce(max(visit_date), cv_today()) as data_date,
        min(visit_date) as first_visit_date
    from visit_rows
    where visit_date <= cv_today()
),

listed as (
    -- and from the first roster's or contact list's own date where that is earlier: a bureau that loaded October's
    -- 底册 and 失能老年人联系人情况表 before any visit record, or with visit records that begin in November, asks for
    -- October's 失能帮扶率, which they alone give (DESIGN §4; probe 24 M2 and probe 27 M1: "2026-10 没有数据: 数据从
    -- 2026-11 开始"); its 月探访率 is said to have no record of the month yet (reports/visits_unsent)
    select min(snapshot_date) as first_listed_date
    from (select snapshot_date from roster_snapshots union all select snapshot_date from contact_snapshots)
    where snapshot_date <= cv_today()
),

months as (
    select
        cast(unnest(generate_series(
            date_trunc('month', greatest(coalesce(least(first_visit_date, first_listed_date), data_date),
                                         data_date - interval 35 month)),
            date_trunc('month', data_date),
            interval 1 month)) as date) as month_start,
        data_date
    from bounds, listed
),

final as (
    select
        strftime(month_start, '%Y-%m') as month,
        month_start,
        cast(month_start + interval 1 month - interval 1 day as date) as month_end,
        least(cast(month_start + interval 1 month - interval 1 day as date), data_date) as as_of
    from months
)

select * from final
