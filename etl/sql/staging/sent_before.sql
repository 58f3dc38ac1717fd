-- a visit record's rows that repeat, from another file already loaded, a visit of the same elder on the same day by
-- the same method and outcome, one of the two without its time or its visitor (a community's rows its street sends
-- again in its merged ledger, dated only): not exact repeats, so counted twice, and the clerk is told which rows to
-- check (review 6, finding 6). Not rejected: two calls or visits in a day happen. Only the stored visits of the file's
-- own days are looked at.
with mine as (
    select row_number, id_number, elder_name, community_code, visit_at, visit_date, method, outcome, visitor_name
    from staged
    where reject_reason is null
),

days as (
    select min(visit_date) as first_day, max(visit_date) as last_day from mine
),

stored as (
    select v.load_id, v.id_number, v.elder_name, v.community_code, v.visit_at, v.visit_date, v.method, v.outcome,
        v.visitor_name
    from visit_rows v, days d
    -- (this file's rows are stored already: another file's only)
    where v.visit_date between d.first_day and d.last_day and v.load_id <> $load_id
),

matched as (
    -- by the ID number, else (rows without one, linked by name) by the name and the community: two equi-joins, not
    -- one with an or, which pairs every row of a day and method with every other (24 s at 100,000 by 3,000,000)
    select s.row_number, v.load_id, s.visit_at as mine_at, v.visit_at as stored_at, s.visitor_name as mine_by,
        v.visitor_name as stored_by
    from mine s
    join stored v on v.id_number = s.id_number and v.visit_date = s.visit_date and v.method = s.method
        and v.outcome = s.outcome
    union all
    select s.row_number, v.load_id, s.visit_at, v.visit_at, s.visitor_name, v.visitor_name
    from mine s
    join stored v on v.elder_name = s.elder_name and v.community_code = s.community_code
        and v.visit_date = s.visit_date and v.method = s.method and v.outcome = s.outcome
    where s.id_number is null and v.id_number is null
),

same as (
    -- one of the two without its time (00:00) or its visitor
    select distinct row_number, load_id
    from matched
    where (cast(stored_at as time) = time '00:00' or cast(mine_at as time) = time '00:00' or stored_at = mine_at)
        and (stored_by is null or mine_by is null or stored_by = mine_by)
)

select count(distinct m.row_number) as rows, list(distinct m.row_number order by m.row_number)[1:5] as first_rows,
    min(l.file_name) as file_name, count(distinct m.load_id) as file_count
from same m
left join loads l using (load_id)
