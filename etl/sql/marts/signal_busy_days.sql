-- one row per visitor (by name) and day with more home visits than home_visits_per_day_limit in every street
-- together: more than the limit in one street needs more. The days whose home visits signal_visits takes as
-- candidates; a publish counts again only the days its loads' home visits fall on (etl/build.py).
with q as (
    select * from cfg_visit_quality
),

final as (
    select visitor_name, visit_date, count(*) as home_visit_count
    from visit_rows
    where method = '上门' and visitor_name is not null
    group by visitor_name, visit_date
    having count(*) > (select home_visits_per_day_limit from q)
)

select * from final
