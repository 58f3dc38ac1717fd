-- The streets a roster lists whose visit records hold no visit dated in the month $month_start or later (本月未报送探访
-- 记录), with the day of their latest record (null: none yet). Their 月探访率 counts nobody visited for want of
-- records, maybe not of visits: the 汇总表, the 通报 and the overview say so beside it, and the 通报 names no such
-- street the lowest (a street that had not uploaded its month yet had been named the worst at 0.0 %). A street whose
-- records skip a month for a later one's is not told apart.
select f.street_code, f.street_name, f.latest_visit_date
from street_freshness f
where (f.latest_visit_date is null or f.latest_visit_date < $month_start)
    and f.street_code in (select street_code from roster_snapshots)
order by f.street_code
