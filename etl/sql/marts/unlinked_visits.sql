-- one row per loaded visit or contact that belongs to no elder on any roster (DESIGN §3: linked, never guessed), with
-- why: not_on_roster (底册中无此人: no roster lists its ID number, or, without one, its name in its community) or
-- same_name (同名无法区分: its community's rosters list more than one elder of its name), for the street to add the
-- ID number. A view: the Data screen counts them per street (dashboard/sql/unlinked_counts.sql), no load pays for it.
with unlinked as (
    -- the visits view links each visit (by ID, else name + community): what it links to no elder listed, with the
    -- name a visit without an ID gives
    select v.load_id, v.source_row_number, v.visit_date, v.visit_community_code as community_code, v.elder_id,
           w.elder_name
    from visits v
    left join visit_rows w on v.elder_id is null and w.load_id = v.load_id and w.row_number = v.source_row_number
    where v.elder_id is null
        or not exists (select 1 from elders e where e.elder_id = v.elder_id)
),

listed_names as (
    -- of those names, the ones the community's rosters do list (under more than one ID number, or they would link)
    select distinct r.elder_name, r.community_code
    from roster_rows r
    where (r.elder_name, r.community_code) in (
        select elder_name, community_code from unlinked where elder_id is null)
),

final as (
    select
        u.load_id,
        u.source_row_number,
        u.visit_date,
        u.community_code,
        t.street_code,
        t.district_code,
        case when u.elder_id is null and n.elder_name is not null then 'same_name' else 'not_on_roster' end
            as reason
    from unlinked u
    left join listed_names n on n.elder_name = u.elder_name and n.community_code = u.community_code
    left join place_tree t on t.code = u.community_code
)

select * from final
