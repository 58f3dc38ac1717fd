-- one row per elder of the communities $codes to verify at home for month $month_start: those due a
-- home visit (the check list says which were visited and draws some to confirm) and those with a
-- visit-quality lead that month; masked, as every export is (DESIGN §6)
with codes as (
    select unnest($codes::varchar[]) as community_code
),

month_rows as (
    select * from elder_months where month_start = $month_start
),

month_leads as (
    -- each lead with what it rests on (the 督查 screen's evidence), by signal then time: the list says the first's
    select elder_id, list({'signal': signal, 'visit_date': visit_date, 'visitor': visitor_name_masked,
                           'measure': measure, 'status': elder_status} order by signal, visit_at nulls last) as leads
    from visit_signals
    where month_start = $month_start and elder_id is not null
    group by elder_id
),

listed as (
    -- the elders these communities list (a filter on the community column: cheap however many elders)
    select * from elders where community_code in (select community_code from codes)
),

due as (
    select elder_id from month_rows
    where is_eligible_home and community_code in (select community_code from codes)
),

moved as (
    -- due here this month but listed elsewhere since (a newer roster): looked up by ID, rarely any
    select * from elders
    where elder_id in (select elder_id from due where elder_id not in (select elder_id from listed))
),

people as (
    select * from listed
    where elder_id in (select elder_id from due) or elder_id in (select elder_id from month_leads)
    union all
    select * from moved
),

final as (
    select
        coalesce(m.community_code, e.community_code) as community_code,
        e.elder_id,  -- the ID number: orders the draw, never shown
        e.elder_name_masked as name,
        e.id_number_masked as id_number,
        e.phone_masked as phone,
        e.address_masked as address,
        coalesce(m.categories, e.categories) as categories,
        m.risk_level,
        coalesce(m.is_eligible_home, false) as is_due,
        coalesce(m.visited_home, false) as visited_home,
        m.last_home_visit_date,
        m.due_date,
        m.overdue_days,
        -- still on the roster at the as-of date: someone to find at home (a visit to an elder who has died since
        -- is not drawn to confirm)
        coalesce(m.is_active_at_as_of, false) as is_active_at_as_of,
        e.status,
        e.exit_date,
        coalesce(l.leads, []) as leads
    from people e
    left join month_rows m on m.elder_id = e.elder_id
    left join month_leads l on l.elder_id = e.elder_id
)

select * from final order by community_code, elder_id
