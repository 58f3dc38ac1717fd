-- one row per (name, community) that identifies exactly one elder on any roster snapshot of it; a transliterated name
-- also without its dot (cv_name_undotted), as a visit or a contact list may write it
with forms as (
    select elder_name, community_code, id_number from roster_rows
    union
    select cv_name_undotted(elder_name), community_code, id_number from roster_rows where elder_name like '%·%'
),

final as (
    select elder_name, community_code, any_value(id_number) as elder_id
    from forms
    group by elder_name, community_code
    having count(*) = 1
)

select * from final
