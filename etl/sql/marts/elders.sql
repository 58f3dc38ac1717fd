-- one row per elder on the current roster: each street's latest roster snapshot
with roster_loads as (
    select load_id, coalesce(report_date, cast(loaded_at as date)) as snapshot_date
    from loads
    where kind = 'roster'
),

street_snapshots as (
    select distinct r.street_code, r.load_id, l.snapshot_date
    from roster_rows r
    join roster_loads l using (load_id)
),

current_snapshots as (
    select street_code, load_id, snapshot_date
    from street_snapshots
    qualify row_number() over (partition by street_code order by snapshot_date desc, load_id desc) = 1
),

current_rows as (
    select r.*, c.snapshot_date
    from roster_rows r
    join current_snapshots c using (street_code, load_id)
    -- an elder who moved between streets is where the newest snapshot has them
    qualify row_number() over (partition by r.id_number order by c.snapshot_date desc, r.load_id desc) = 1
),

final as (
    select
        id_number as elder_id,
        elder_name,
        sex,
        birth_date,
        district_code,
        street_code,
        community_code,
        address,
        phone,
        categories,
        living,
        consent,
        status,
        change_date,
        case when status <> '在册' then change_date end as exit_date,
        reg_date,
        visitor_name,
        risk_level as roster_risk_level,
        load_id,
        row_number as source_row_number
    from current_rows
)

select * from final
