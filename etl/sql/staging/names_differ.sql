-- a visit record's (or a contact list's) rows whose ID number is a roster elder's while the name written is none of the names the rosters
-- give that ID number (the ID typed from a neighbour's line, or the name): counted to the ID's elder as DESIGN §3
-- links them, so the clerk is told which rows to check. Each distinct pair looked up once (a month's file repeats
-- its elders), the rows of the few that differ found after
with written as (
    select distinct id_number, elder_name
    from staged
    where reject_reason is null and id_number is not null and elder_name is not null
),

differ as (
    -- (one join of the roster's rows, not an exists beside a not exists: 0.3 s against 1.3 at a province's month);
    -- a couple written on the elder's row (何建国夫妇, 施淑珍、张淑芬 beside one ID number) told apart: neither name
    -- is wrong, the spouse's visit needs a row of its own (review 6, finding 10)
    select w.id_number, w.elder_name,
        bool_or(contains(w.elder_name, r.elder_name)
                and regexp_matches(w.elder_name, '夫妇|夫妻|老两口|两口子|二人|两人|俩|及配偶|和老伴|与老伴|[、,，/]'))
            as is_couple
    from written w
    join roster_rows r on r.id_number = w.id_number
    group by all
    having not bool_or(cv_name_undotted(r.elder_name) = cv_name_undotted(w.elder_name))
)

-- (a row once, though a contact list's row stages a row per contact person, and a day register's a row per day)
select d.is_couple, count(distinct s.row_number) as rows, list_sort(list(distinct s.row_number))[1:5] as first_rows
from staged s
join differ d on d.id_number = s.id_number and d.elder_name = s.elder_name
where s.reject_reason is null
group by d.is_couple
