-- a roster's exits (死亡, 迁出 …) dated after the day the list itself is dated ($listed_on: its 填报日期, else
-- today): counted from that day as written (DESIGN §4), the elder stays on the list until then, so the clerk is told.
-- A list dated on a month's first day is taken as that month's (a title or name of 2026年10月 dates it so): its exits
-- later in the month are none of these.
select count(*) as rows, list(row_number order by row_number)[1:5] as first_rows
from staged
where reject_reason is null and status <> '在册'
    and change_date > case when day($listed_on::date) = 1 then last_day($listed_on::date) else $listed_on::date end
