-- one row per load, note as written and visitor who wrote it on a visit of that load, and whether that
-- visit's own file names a known community: what signal_notes counts a template from. Kept by load, so that
-- a publish counts only its own loads' visits again (etl/build.py), not a province's 30 M.
with communities as (
    select code from place_tree where level = 'community'
),

final as (
    select distinct
        load_id,
        findings,
        visitor_name,
        coalesce(community_code in (select code from communities), false) as is_in_known_community
    from visit_rows
    where findings is not null and visitor_name is not null
)

select * from final
