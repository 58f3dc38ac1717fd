-- one row per elder living alone per month: counted and covered elder-days, longest gap
with alone_periods as (
    -- the roster periods that mark the elder 独居 with consent not 不同意: the days they hold are counted, whatever
    -- a newer listing says of the rest of the month (a marking added or removed counts from its date)
    select elder_id, valid_from, valid_to, joined_on, joined_by_listing
    from elder_periods
    where list_contains(categories, '独居') and consent is distinct from '不同意'
),

month_windows as (
    select m.*, least(cast(m.month_start + interval 1 month - interval 1 day as date), m.as_of) as window_end
    from elder_months m
),

alone_months as (
    select m.elder_id, m.month, m.month_start, m.as_of, m.window_end, m.district_code, m.street_code, m.community_code
    from month_windows m
    semi join alone_periods p
        on p.elder_id = m.elder_id
        and (p.valid_from is null or p.valid_from <= m.window_end) and (p.valid_to is null or p.valid_to > m.month_start)
),

elder_days as (
    select a.*, cast(unnest(generate_series(a.month_start, a.window_end, interval 1 day)) as date) as day
    from alone_months a
),

counted_days as (
    -- on the roster as 独居 on d (DESIGN §4: registered before d, not exited on or before d): held by such a
    -- period, the elder on the roster since before d (joined_on: a newer listing goes on, it is no registration), or
    -- since d where d is the date of the snapshot that first lists them (it counts from its report date)
    select d.*
    from elder_days d
    semi join alone_periods p
        on p.elder_id = d.elder_id
        and (p.valid_from is null or p.valid_from <= d.day) and (p.valid_to is null or p.valid_to > d.day)
        and (p.joined_on is null or p.joined_on < d.day or (p.joined_by_listing and p.joined_on = d.day))
),

contact_days as (
    -- the days with a successful contact, within the days counted (a month built alone reads its own)
    select distinct elder_id, visit_date as day
    from visits
    where is_successful
        and visit_date between (select min(month_start) from alone_months) and (select max(window_end) from alone_months)
),

marked as (
    select c.*, cd.day is not null as is_covered
    from counted_days c
    left join contact_days cd using (elder_id, day)
),

day_counts as (
    select
        elder_id,
        month_start,
        count(*) as contact_days_eligible,
        count(*) filter (where is_covered) as contact_days_covered
    from marked
    group by elder_id, month_start
),

longest_gaps as (
    -- consecutive uncovered days share an island: day minus its rank among uncovered days
    select elder_id, month_start, max(gap_days) as longest_gap_days
    from (
        select elder_id, month_start, island, count(*) as gap_days
        from (
            select
                elder_id,
                month_start,
                day - cast(row_number() over (partition by elder_id, month_start order by day) as integer) as island
            from marked
            where not is_covered
        )
        group by elder_id, month_start, island
    )
    group by elder_id, month_start
),

final as (
    select
        a.month,
        a.month_start,
        a.as_of,
        a.elder_id,
        a.district_code,
        a.street_code,
        a.community_code,
        coalesce(d.contact_days_eligible, 0) as contact_days_eligible,
        coalesce(d.contact_days_covered, 0) as contact_days_covered,
        coalesce(g.longest_gap_days, 0) as longest_gap_days
    from alone_months a
    left join day_counts d using (elder_id, month_start)
    left join longest_gaps g using (elder_id, month_start)
)

select
    *,
    contact_days_eligible > 0 and contact_days_covered = contact_days_eligible as is_fully_covered
from final
