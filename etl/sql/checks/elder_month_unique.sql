-- elders counted twice in one month
select elder_id, month_start, count(*) as copies
from elder_months
group by elder_id, month_start
having count(*) > 1
