-- one row per elder per calendar month with a successful visit: the month's last successful visit
-- (cv_last_visit_key says which is last), its last home visit, and the last home visit of this month or
-- any before it. elder_months looks back through these, not through every visit, for an elder's last
-- visit and last home visit by any as-of date (from the latest month before it), so a month
-- built alone after a load reads them rather than the whole history of visits.
with months as (
    select
        elder_id,
        cast(date_trunc('month', visit_date) as date) as visit_month,
        arg_min(cv_last_visit(visit_date, method, outcome), cv_last_visit_key(visit_at, method, outcome))
            as last_visit,
        max(visit_date) filter (where is_home_visit) as last_home_visit_date
    from visits
    where is_successful and elder_id is not null
    group by all
),

final as (
    select *, max(last_home_visit_date) over (partition by elder_id order by visit_month) as home_visit_through
    from months
)

select * from final
