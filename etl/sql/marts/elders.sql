-- one row per elder on the current roster: each street's latest roster snapshot
with current_rows as (
    select r.*, c.snapshot_date
    from roster_rows r
    join current_snapshots c on c.kind = 'roster' and c.street_code = r.street_code and c.load_id = r.load_id
    -- an elder who moved between streets is where the newest snapshot has them
    qualify row_number() over (partition by r.id_number order by c.snapshot_date desc nulls last, r.load_id desc) = 1
),

final as (
    select
        id_number as elder_id,
        elder_name,
        -- what screens and exports show (DESIGN §6); the clear values stay for linking only
        cv_mask_name(elder_name) as elder_name_masked,
        cv_mask_id(id_number) as id_number_masked,
        cv_mask_phone(phone) as phone_masked,
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
