-- a contact list's rows whose 确定日期 is after the day the list itself is dated ($listed_on: its 填报日期, else today),
-- as staging/dated_after.sql finds a roster's: counted as written, the contact person counts only from then (2062-10-01
-- typed for 2026-10-01 had taken the contact away for good without a word: probe 32 H4). A list dated on a month's
-- first day is taken as that month's.
with listed as (
    select case when day($listed_on::date) = 1 then last_day($listed_on::date) else $listed_on::date end as day
)

select count(*) as rows, list(row_number order by row_number)[1:5] as first_rows
from staged s, listed
where s.reject_reason is null and s.set_date > listed.day
having count(*) > 0
