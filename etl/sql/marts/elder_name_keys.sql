-- one row per (name, community) that identifies exactly one elder on any roster snapshot of it; the name as
-- cv_name_undotted keys it, since a roster, a visit or a contact list may write a transliterated name with its dot
-- or without it: whoever looks a name up here looks up cv_name_undotted(name)
with final as (
    select cv_name_undotted(elder_name) as elder_name, community_code, any_value(id_number) as elder_id
    from roster_rows
    group by all
    having count(distinct id_number) = 1
)

select * from final
