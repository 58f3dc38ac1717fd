-- a roster's rows dated after the day the list itself is dated ($listed_on: its 填报日期, else today), by kind: exits
-- (死亡, 迁出 …), counted from that day as written (DESIGN §4), so that the elder stays on the list until then; and
-- registrations (建档日期), so that the elder is on it only from then (2062-10-05 typed for 2026-10-05 had taken a
-- living elder out of every figure without a word: review 2026-12-04). Most likely a mistyped day: the clerk is told.
-- A list dated on a month's first day is taken as that month's (a title or name of 2026年10月 dates it so): its dates
-- later in the month are none of these.
with listed as (
    select case when day($listed_on::date) = 1 then last_day($listed_on::date) else $listed_on::date end as day
)

select kind, count(*) as rows, list(row_number order by row_number)[1:5] as first_rows
from (
    select s.row_number, 'exit' as kind
    from staged s, listed
    where s.reject_reason is null and s.status <> '在册' and s.change_date > listed.day
    union all
    select s.row_number, 'registration'
    from staged s, listed
    where s.reject_reason is null and s.reg_date > listed.day
)
group by kind
order by kind
