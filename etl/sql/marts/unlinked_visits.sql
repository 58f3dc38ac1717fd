-- one row per loaded visit or contact that belongs to no elder on any roster (DESIGN §3: linked, never guessed), with
-- why: not_on_roster (底册中无此人: no roster lists its ID number, or, without one, its name in its community) or
-- same_name (同名无法区分: its community's rosters list more than one elder of its name by its date), for the street to
-- add the ID number. The Data screen counts them per street (dashboard/sql/unlinked_counts.sql); a load recomputes the rows
-- of the visits whose link it can change (etl/build.py SCOPED_MARTS).
with unlinked as (
    -- linked as the visits view links them (marts/visits.sql), read from the visit rows themselves: a visit with an ID
    -- number that is no elder's; one without, whose name + community names no one elder (elder_name_keys), or one no
    -- longer on a roster; same_name when it names no one by a name the rosters list there. (Through the visits view, the names came from a
    -- second read of every visit row: 30 CPU-s at a province, paid by each server process on its first Data page.)
    select v.load_id, v.row_number as source_row_number, v.visit_date, v.community_code, v.id_number as elder_id,
           false as is_same_name
    from visit_rows v
    where v.id_number is not null and not exists (select 1 from elders e where e.elder_id = v.id_number)
    union all
    select k.load_id, k.row_number, k.visit_date, k.community_code, k.elder_id, k.elder_id is null and k.is_listed
    from (
        -- the elder the name names on the visit's date, and whether the community's rosters list the name at all
        select v.load_id, v.row_number, v.visit_date, v.community_code, n.elder_name is not null as is_listed,
               case when n.valid_to is null or v.visit_date < n.valid_to then n.elder_id end as elder_id
        from visit_rows v
        left join elder_name_keys n
            on n.elder_name = cv_name_undotted(v.elder_name) and n.community_code = v.community_code
        where v.id_number is null
    ) k
    where k.elder_id is null or not exists (select 1 from elders e where e.elder_id = k.elder_id)
),

final as (
    select
        u.load_id,
        u.source_row_number,
        u.visit_date,
        u.community_code,
        t.street_code,
        t.district_code,
        case when u.is_same_name then 'same_name' else 'not_on_roster' end as reason
    from unlinked u
    left join place_tree t on t.code = u.community_code
)

select * from final
