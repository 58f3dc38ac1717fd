-- the communities that list an elder in scope: their visits without an ID number are linked by name there
create or replace temp table cv_scope_listed as
    select distinct community_code from roster_rows where id_number in (select elder_id from cv_scope_elders)
