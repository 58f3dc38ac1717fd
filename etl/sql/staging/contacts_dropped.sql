-- A contact list (just stored as load $load_id) that leaves out many of the elders the list it replaces named: a newer
-- list of a place replaces the older one there (marts/contact_snapshots), so those elders count without a designated
-- contact person from its date. A street that sends only the contact people it changed (联系人变更, one row) drops
-- the rest of its disabled elders from 失能帮扶率 without a word; the clerk is told, as of a roster that drops many
-- (marts/roster_alerts). Compared by ID number, within the places the new list names (a community's, or a street's
-- whole list); rows of an older street list without a community are left out of a community's comparison, and an
-- elder the rosters say has left is no omission.
with places as (
    select distinct street_code, community_code from contact_rows where load_id = $load_id
),

named as (
    select distinct id_number from contact_rows where load_id = $load_id and id_number is not null
),

replaced as (
    -- the rows, in those places, of the latest earlier list of the street that names any of them (by its date, 填报日期
    -- else the day it was loaded, then as loaded: this file's load is not in `loads` yet)
    select c.load_id, c.id_number, l.file_name
    from contact_rows c
    join loads l using (load_id)
    where l.kind = 'contacts' and c.id_number is not null
        and exists (select 1 from places p
                    where p.street_code = c.street_code
                        and (p.community_code is null or p.community_code = c.community_code))
    qualify dense_rank() over (order by cv_list_order(l.report_date, l.loaded_at, c.load_id) desc) = 1
),

gone as (
    -- the elders of that list whose latest roster listing says they left (死亡, 迁出 …): rightly not listed again
    -- (probe 27 L1: a street told to send a complete list over an elder who had died)
    select r.id_number
    from roster_rows r
    join loads l using (load_id)
    where r.id_number in (select id_number from replaced)
    qualify row_number() over (partition by r.id_number
                               order by cv_list_order(l.report_date, l.loaded_at, r.load_id) desc) = 1
        and r.status is not null and r.status <> '在册'
)

select count(distinct id_number) as before,
    count(distinct id_number) filter (where id_number not in (select id_number from named)
                                          and id_number not in (select id_number from gone)) as dropped,
    any_value(file_name) as previous_file
from replaced
