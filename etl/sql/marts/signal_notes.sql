-- one row per note as written on a visit with a visitor whose words are long enough to compare
-- (identical_notes_min_chars): its key, each distinct note compared once as people's words are compared
-- (spaces, full-width forms), and whether it is surely a template: more visitors wrote it than
-- common_note_visitors, counted on visits whose own file names a known community (each placed, so each
-- visitor counts at least once in visit_signals), never a copy
with q as (
    select * from cfg_visit_quality
),

communities as (
    select code from place_tree where level = 'community'
),

note_keys as (
    select findings, note_key
    from (
        select findings, cv_word_key(findings) as note_key
        from (select distinct findings from signal_note_visitors)
    )
    where length(note_key) >= (select identical_notes_min_chars from q)
),

every_elder_placed as (
    -- no elder lives in a community missing from the divisions (whose visits would then go unplaced)
    select not exists (
        select 1 from elders
        where community_code is not null and community_code not in (select code from communities)
    ) as holds
),

surely_common_notes as (
    select n.note_key
    from signal_note_visitors v
    join note_keys n using (findings)
    where v.is_in_known_community
        and (select holds from every_elder_placed)
    group by n.note_key
    having count(distinct v.visitor_name) > (select common_note_visitors from q)
),

final as (
    select findings, note_key, note_key in (select note_key from surely_common_notes) as is_surely_common
    from note_keys
)

select * from final
