-- one row per reported month: its days and the as-of date of its figures (the data date for the latest)
with bounds as (
    select
        coalesce(max(visit_date), cv_today()) as data_date,
        min(visit_date) as first_visit_date
    from visit_rows
    where visit_date <= cv_today()
),

listed as (
    -- without any visit record yet, the months from the first roster's or contact list's own date: a bureau that
    -- loaded October's 底册 and 失能老年人联系人情况表 before the visits asks for October's 失能帮扶率, which they
    -- alone give (DESIGN §4; probe 24 M2: "2026-10 没有数据: 数据从 2026-12 开始")
    select min(snapshot_date) as first_listed_date
    from (select snapshot_date from roster_snapshots union all select snapshot_date from contact_snapshots)
    where snapshot_date <= cv_today()
),

months as (
    select
        cast(unnest(generate_series(
            date_trunc('month', greatest(coalesce(first_visit_date, first_listed_date, data_date),
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
