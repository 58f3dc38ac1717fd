-- one row per reported month: its days and the as-of date of its figures (the data date for the latest)
with bounds as (
    select
        coalesce(max(visit_date), cv_today()) as data_date,
        min(visit_date) as first_visit_date
    from visit_rows
    where visit_date <= cv_today()
),

months as (
    select
        cast(unnest(generate_series(
            date_trunc('month', greatest(coalesce(first_visit_date, data_date), data_date - interval 35 month)),
            date_trunc('month', data_date),
            interval 1 month)) as date) as month_start,
        data_date
    from bounds
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
