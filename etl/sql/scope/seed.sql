-- The scope of the loads in cv_changed_loads: the elders whose figures they can change (cv_scope_elders),
-- the communities and streets whose roster they change (cv_scope_communities, cv_scope_streets) and the names
-- and communities the elders in scope are listed under (cv_scope_listings, scope/listed.sql). An elder is in
-- scope when
--   - a changed row names them;
--   - their community has a new roster (a newer snapshot ends or begins their listing there, DESIGN §4,
--     and the names that link visits without an ID number can change);
--   - a changed visit without an ID number names them in their community (marts/visits.sql links it by
--     name + community: to them if they are the one elder of that name there, else to nobody);
--   - their street has a new list of designated contacts (it replaces the street's older one), or a list
--     of a street with a new one names them.
-- Whatever else an elder's figures are computed from is their own rows, or a mart built whole.
-- (a roster's list of no one is its community's new roster too: roster_nobody)
create or replace temp table cv_scope_communities as
    select community_code from roster_rows where load_id in (select load_id from cv_changed_loads)
    union
    select community_code from roster_nobody where load_id in (select load_id from cv_changed_loads);

-- the streets of those communities: their roster alerts compare each community's lists, and the street's
create or replace temp table cv_scope_streets as
    select street_code from roster_rows where load_id in (select load_id from cv_changed_loads)
    union
    select street_code from roster_nobody where load_id in (select load_id from cv_changed_loads);

-- the names (in their communities) that a list of a street with a new one gives without an ID number
create or replace temp table cv_scope_contact_names as
    select distinct cv_name_undotted(elder_name) as elder_name, community_code from contact_rows
    where id_number is null and street_code in (
        select street_code from contact_rows where load_id in (select load_id from cv_changed_loads));

create or replace temp table cv_scope_elders as
    select id_number as elder_id from roster_rows
    where load_id in (select load_id from cv_changed_loads)
        or community_code in (select community_code from cv_scope_communities)
        -- (names as marts/elder_name_keys.sql keys them: a transliterated name with its dot or without)
        or (cv_name_undotted(elder_name), community_code) in (
            select cv_name_undotted(elder_name), community_code from visit_rows
            where load_id in (select load_id from cv_changed_loads) and id_number is null)
        or street_code in (select street_code from contact_rows where load_id in (select load_id from cv_changed_loads))
    union
    select id_number from visit_rows
    where load_id in (select load_id from cv_changed_loads) and id_number is not null
    union
    -- the elders named on any list of a street with a new one (it replaces the older lists, which can name
    -- elders of other streets' rosters): by ID, or by name in the community the row gives
    select id_number from contact_rows
    where id_number is not null and street_code in (
        select street_code from contact_rows where load_id in (select load_id from cv_changed_loads))
    union
    select id_number from roster_rows
    where (cv_name_undotted(elder_name), community_code) in (select elder_name, community_code
                                                             from cv_scope_contact_names);
