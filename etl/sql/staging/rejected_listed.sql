-- a roster's rejected rows (a mistyped ID number …) that name, in their community, an elder the roster in force
-- (staging/rosters_in_force) lists and this one does not: left unfixed, the new roster takes that elder off the list
-- as 去向未说明 (DESIGN §4, roster history), which the clerk is told in one line beside the rows' own reasons. A semi
-- join: a file of thousands of rows rejected under one common name must not pair each with every namesake.
with rejected as (
    select row_number, elder_name, community_code from staged where reject_reason is not null and elder_name is not null
)

select count(*) as rows, list(row_number order by row_number)[1:5] as first_rows
from rejected s
where exists (
        select 1
        from rosters_in_force r
        where r.community_code = s.community_code and r.elder_name = s.elder_name
            and r.id_number not in (select id_number from staged where reject_reason is null and id_number is not null)
    )
