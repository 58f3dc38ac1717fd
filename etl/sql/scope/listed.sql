-- the names and communities the elders in scope are listed under on any roster (cv_scope_listings), each name as
-- marts/elder_name_keys.sql keys it (cv_name_undotted): a visit without an ID number is linked by name there
-- (marts/visits.sql) and can be theirs only if it names one of these
create or replace temp table cv_scope_listings as
    select distinct cv_name_undotted(elder_name) as elder_name, community_code from roster_rows
    where id_number in (select elder_id from cv_scope_elders);
