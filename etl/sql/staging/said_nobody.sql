-- the rows of roster load $load_id that said their community has nobody to list (roster_nobody), the first of each
-- community: its place and name, how many people the community's roster in force lists (each leaves it as 去向未说明,
-- DESIGN §4), and whether this file lists people there too (its people are then the community's list)
with said as (
    select * from roster_nobody
    where load_id = $load_id
    qualify community_code is null
        or row_number() over (partition by community_code order by sheet_name nulls first, row_number) = 1
),

in_force as (
    -- each community's list in force: its newest roster by 填报日期 (else the day it was loaded), as
    -- staging/rejected_listed reads it (this file's load is not in `loads` yet)
    select r.community_code
    from roster_rows r
    join loads l using (load_id)
    where r.community_code in (select community_code from said)
    qualify dense_rank() over (partition by r.community_code
                               order by cv_list_date(l.report_date, l.loaded_at) desc, r.load_id desc) = 1
)

select
    s.row_number,
    s.sheet_name,
    s.street_code,
    s.community_code,
    d.name,
    (select count(*) from in_force f where f.community_code = s.community_code) as in_force,
    exists (select 1 from staged t where t.reject_reason is null and t.community_code = s.community_code) as listed
from said s
left join divisions d on d.code = s.community_code
order by s.sheet_name nulls first, s.row_number
