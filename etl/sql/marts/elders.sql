-- one row per elder ever listed on a roster, as their newest snapshot lists them
with newest_loads as (
    -- an elder on two lists (moved, or listed by two streets) is where the newer snapshot has them; of two lists of
    -- one day, where the community first by its code has them (its 12 digits' complement, largest), whichever came
    -- first, as elder_periods counts them; of one community's, the one loaded later
    select r.id_number, max({'snapshot_date': s.snapshot_date,
                             'community': translate(r.community_code, '0123456789', '9876543210'),
                             'load_id': r.load_id}).load_id as load_id
    from roster_rows r
    join roster_snapshots s using (load_id, community_code)
    group by r.id_number
),

latest as (
    select l.*
    from roster_listings l
    join newest_loads n using (id_number, load_id)
),

final as (
    select
        id_number as elder_id,
        elder_name,
        -- what screens and exports show (DESIGN §6); the clear values stay for linking only
        cv_mask_name(elder_name) as elder_name_masked,
        cv_mask_id(id_number) as id_number_masked,
        cv_mask_phone(phone) as phone_masked,
        cv_mask_address(address) as address_masked,
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
        exit_date,
        reg_date,
        visitor_name,
        cv_mask_name(visitor_name) as visitor_name_masked,  -- the assigned visitor (包联人) as work lists show them
        risk_level as roster_risk_level,
        snapshot_date,
        listed_to is null as is_listed_now,  -- on the newest roster of their community
        load_id,
        row_number as source_row_number
    from latest
)

select * from final
