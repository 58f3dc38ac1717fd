-- one row per loaded visit or contact, with the elder it belongs to (by ID, else name + community)
with roster_names as (
    select elder_name, community_code, any_value(elder_id) as elder_id, count(*) as elder_count
    from elders
    group by elder_name, community_code
),

final as (
    select
        coalesce(v.id_number, case when n.elder_count = 1 then n.elder_id end) as elder_id,
        v.visit_at,
        v.visit_date,
        v.method,
        v.outcome,
        v.outcome not in ('未遇', '拒访') as is_successful,
        v.method = '上门' and v.outcome not in ('未遇', '拒访') as is_home_visit,
        v.visitor_name,
        v.visitor_role,
        v.findings,
        v.problem,
        v.action,
        v.latitude,
        v.longitude,
        v.load_id,
        v.row_number as source_row_number
    from visit_rows v
    left join roster_names n
        on v.id_number is null and n.elder_name = v.elder_name and n.community_code = v.community_code
)

select * from final
