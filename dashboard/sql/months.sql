-- Reported months, newest first, with the as-of date of each.
select month, month_start, as_of from month_frame order by month_start desc
