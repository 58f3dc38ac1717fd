-- one row per designated contact person on each contact list, with the elder's ID and the stretch in which the
-- list is in force where the elder lives (marts/contact_snapshots: valid_from, valid_to; the lists in force now
-- have no valid_to)
with final as (
    select
        -- by name, the elder it names on the list's date
        coalesce(c.id_number, case when n.valid_to is null or s.snapshot_date < n.valid_to then n.elder_id end)
            as elder_id,
        c.contact_name,
        c.relation,
        c.contact_phone,
        c.has_key,
        c.set_date,
        c.contact_name is not null and c.contact_phone is not null
            and not cv_contact_is_self(c.relation, c.contact_name, c.elder_name)
            and not cv_contact_is_no_person(c.contact_name) and not cv_contact_is_unnamed(c.contact_name)
            and not cv_contact_is_gone(c.relation, c.contact_name) as is_usable,
        s.load_id,
        s.valid_from,
        s.valid_to,
        -- where the list's row stands, and the name it links by without an ID number (marts/unlinked_contacts)
        c.row_number,
        s.snapshot_date,
        c.street_code,
        c.community_code,
        case when c.id_number is null then cv_name_undotted(c.elder_name) end as linked_by_name
    from contact_rows c
    -- a row of a street's list without communities follows the lists of the community its elder lives in (a
    -- newer list of that community replaces it there: contact_snapshots.covers_street); where the rosters do not
    -- list the elder, the street's lists
    left join elders e on c.community_code is null and e.elder_id = c.id_number
    left join (select distinct load_id from contact_snapshots where covers_street) w on w.load_id = c.load_id
    join contact_snapshots s on s.street_code = c.street_code and s.load_id = c.load_id
        and s.community_code is not distinct from
            case when c.community_code is null and e.community_code is not null and w.load_id is not null
                 then e.community_code else c.community_code end
    left join elder_name_keys n
        on c.id_number is null and n.elder_name = cv_name_undotted(c.elder_name) and n.community_code = c.community_code
)

select * from final
