-- one row per loaded visit or contact, with the elder it belongs to (by ID, else name + community)
with linked as (
    -- a visit with an ID number is the elder's it names
    select v.*, v.id_number as elder_id
    from visit_rows v
    where v.id_number is not null
    union all
    -- a visit without one is linked by name + community when that names one elder on its date (else it has none),
    -- the name as elder_name_keys keys it (named: cv_name_undotted written out, since a view is read by connections
    -- without the macros; a column of its own, so that the join is planned as one of columns: on the expression, a
    -- province's month of visits ran past the load's 1 GB in signal_visits). The date is read after the join, which
    -- stays one of columns (a name has one row there)
    select v.* exclude (name_key), case when n.valid_to is null or v.visit_date < n.valid_to then n.elder_id end
    from (select *, replace(elder_name, '·', '') as name_key from visit_rows where id_number is null) v
    left join elder_name_keys n on n.elder_name = v.name_key and n.community_code = v.community_code
),

final as (
    select
        v.elder_id,
        v.visit_at,
        v.visit_date,
        v.method,
        v.outcome,
        v.outcome in ('正常', '发现问题', '紧急') as is_successful,  -- 未遇, 拒访 and 未知 never qualify
        v.method = '上门' and is_successful as is_home_visit,
        v.visitor_name,
        v.visitor_role,
        v.findings,
        v.problem,
        v.action,
        v.resolution,
        v.is_referred,
        v.latitude,
        v.longitude,
        v.entered_at,
        v.community_code as visit_community_code,  -- as the visit's file names it (null without one)
        v.load_id,
        v.row_number as source_row_number
    from linked v
)

select * from final
