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
    join current_snapshots s on s.street_code = c.street_code
        and s.community_code is not distinct from c.community_code and s.load_id = c.load_id
    left join elder_name_keys n
        on c.id_number is null and n.elder_name = c.elder_name and n.community_code = c.community_code
)

select * from final
