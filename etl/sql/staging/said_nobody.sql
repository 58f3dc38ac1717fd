-- the rows of roster load $load_id that said their community has nobody to list (roster_nobody), the first of each
-- community: its place and name, how many people the community's roster in force (staging/rosters_in_force) lists
-- (each leaves it as 去向未说明, DESIGN §4), and whether this file lists people there too (its people are then the
-- community's list)
with said as (
    select * from roster_nobody
    where load_id = $load_id
    qualify community_code is null
        or row_number() over (partition by community_code order by sheet_name nulls first, row_number) = 1
)

select
    s.row_number,
    s.sheet_name,
    s.street_code,
    s.community_code,
    d.name,
    (select count(f.id_number) from rosters_in_force f where f.community_code = s.community_code) as in_force,
    exists (select 1 from staged t where t.reject_reason is null and t.community_code = s.community_code) as listed
from said s
left join divisions d on d.code = s.community_code
order by s.sheet_name nulls first, s.row_number
