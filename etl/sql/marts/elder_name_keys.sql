-- one row per (name, community) that the community's rosters list, with the one elder it identifies and until when:
-- a visit or a contact list without an ID number, dated before valid_to (null: no end), is that elder's
-- (marts/visits.sql, marts/designated_contacts.sql). A name is the elder's from the first day a roster of the community
-- lists them (its baseline: always) until a roster lists a second elder of that name there; two listed from the same
-- first day share it and it names neither (elder_id null). A record that names a listed name and links to no one is
-- therefore 同名无法区分 (same_name), one whose name has no row here 底册中无此人 (marts/unlinked_visits.sql,
-- marts/unlinked_contacts.sql). A newer roster that lists another elder of a name therefore leaves the visits dated before
-- it linked as they were (DESIGN §4: it changes no month that ended before its date), and those from its date on
-- unlinked (同名无法区分). The name as cv_name_undotted keys it, since a roster, a visit or a contact list may write
-- a transliterated name with its dot or without it: whoever looks a name up here looks up cv_name_undotted(name).
with listed as (
    -- each elder of a name there, from the first day a list names them (null: from always)
    select cv_name_undotted(elder_name) as elder_name, community_code, id_number as elder_id,
           case when count(listed_from) = count(*) then min(listed_from) end as listed_from
    from roster_listings
    -- a list in force for no day (its community's next list is of the same date and replaced it) names no one
    where listed_from is null or listed_to is null or listed_from < listed_to
    group by all
),

ordered as (
    select
        *,
        row_number() over by_date as listed_seq,
        lead(listed_from) over by_date as next_listed_from,
        count(*) over (partition by elder_name, community_code) as elder_count
    from listed
    window by_date as (partition by elder_name, community_code order by listed_from nulls first, elder_id)
),

final as (
    select elder_name, community_code,
           case when elder_count = 1 or next_listed_from is distinct from listed_from then elder_id end as elder_id,
           next_listed_from as valid_to
    from ordered
    where listed_seq = 1
)

select * from final
