-- a visit record's rows whose ID number is a roster elder's while the name written is none of the names the rosters
-- give that ID number (the ID typed from a neighbour's line, or the name): counted to the ID's elder as DESIGN §3
-- links them, so the clerk is told which rows to check. Each distinct pair looked up once (a month's file repeats
-- its elders)
with written as (
    select id_number, cv_name_undotted(elder_name) as name, list(row_number) as row_numbers
    from staged
    where reject_reason is null and id_number is not null and elder_name is not null
    group by all
),

differ as (
    select w.row_numbers
    from written w
    where exists (select 1 from roster_rows r where r.id_number = w.id_number)
        and not exists (select 1 from roster_rows r
                        where r.id_number = w.id_number and cv_name_undotted(r.elder_name) = w.name)
)

select count(*) as rows, list(row_number order by row_number)[1:5] as first_rows
from (select unnest(row_numbers) as row_number from differ)
