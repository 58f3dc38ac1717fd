-- one row per designated contact person on each community's latest contact list (current_snapshots), with the
-- elder's ID
with final as (
    select
        coalesce(c.id_number, n.elder_id) as elder_id,
        c.contact_name,
        c.relation,
        c.contact_phone,
        c.has_key,
        c.set_date,
        c.contact_name is not null and c.contact_phone is not null
            and not cv_contact_is_self(c.relation, c.contact_name, c.elder_name)
            and not cv_contact_is_no_person(c.contact_name) and not cv_contact_is_unnamed(c.contact_name) as is_usable
    from contact_rows c
    -- a row of a street's list without communities is current where its elder lives, while no newer list of that
    -- community came (current_snapshots.covers_street); where the rosters do not list the elder, while the list is
    -- its street's newest
    left join elders e on c.community_code is null and e.elder_id = c.id_number
    left join (select distinct load_id from current_snapshots where covers_street) w on w.load_id = c.load_id
    join current_snapshots s on s.street_code = c.street_code and s.load_id = c.load_id
        and s.community_code is not distinct from
            case when c.community_code is null and e.community_code is not null and w.load_id is not null
                 then e.community_code else c.community_code end
    left join elder_name_keys n
        on c.id_number is null and n.elder_name = c.elder_name and n.community_code = c.community_code
)

select * from final
