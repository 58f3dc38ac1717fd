-- one row per row of a contact list (失能老年人联系人情况表) that belongs to no elder on any roster, with why, as
-- marts/unlinked_visits says it of a visit (DESIGN §3: linked, never guessed): not_on_roster (底册中无此人) or same_name
-- (同名无法区分); or to an elder the rosters list in another community or street than the row's (other_place: a
-- contact counts on a list of the elder's own place only, marts/elder_months; probe 32 H1). Its contact people help
-- no elder's 帮扶率, so the Data screen counts these rows per street (dashboard/sql/unlinked_counts.sql) for the
-- street to add the ID number, or the elder to its roster. Of the lists in force only: a list a newer one replaced
-- counts for nothing now (each month's list had counted its rows again).
with unlinked as (
    -- linked as marts/designated_contacts links them (a row's several contact people are one row here)
    select d.load_id, d.row_number as source_row_number, any_value(d.snapshot_date) as list_date,
           any_value(d.street_code) as street_code, any_value(d.community_code) as community_code,
           any_value(d.linked_by_name) filter (where d.elder_id is null) as elder_name
    from designated_contacts d
    where d.valid_to is null
        and (d.elder_id is null or not exists (select 1 from elders e where e.elder_id = d.elder_id))
    group by d.load_id, d.row_number
),

elsewhere as (
    -- rows of an elder the rosters list in another place than the row's
    select d.load_id, d.row_number as source_row_number, any_value(d.snapshot_date) as list_date,
           any_value(d.street_code) as street_code, any_value(d.community_code) as community_code
    from designated_contacts d
    join elders e on e.elder_id = d.elder_id
    where d.valid_to is null
        and (e.street_code is distinct from d.street_code
             or (d.community_code is not null and e.community_code is distinct from d.community_code))
    group by d.load_id, d.row_number
),

final as (
    select
        u.load_id,
        u.source_row_number,
        u.list_date,
        u.community_code,
        u.street_code,
        t.district_code,
        -- a name the community's rosters list that links to no one names several elders (elder_name_keys: a row
        -- per name and community)
        case when n.elder_name is not null then 'same_name' else 'not_on_roster' end as reason
    from unlinked u
    left join elder_name_keys n on n.elder_name = u.elder_name and n.community_code = u.community_code
    left join place_tree t on t.code = u.street_code
    union all
    select o.load_id, o.source_row_number, o.list_date, o.community_code, o.street_code, t.district_code, 'other_place'
    from elsewhere o
    left join place_tree t on t.code = o.street_code
)

select * from final
