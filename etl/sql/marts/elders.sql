-- one row per elder ever listed on a roster, as their newest snapshot lists them
with latest as (
    select *
    from roster_listings
    -- an elder on two lists (moved, or listed by two streets) is where the newer snapshot has them
    qualify row_number() over (partition by id_number order by snapshot_date desc, load_id desc) = 1
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
        exit_date,
        reg_date,
        visitor_name,
        risk_level as roster_risk_level,
        snapshot_date,
        listed_to is null as is_listed_now,  -- on the newest roster of their community
        load_id,
        row_number as source_row_number
    from latest
)

select * from final
