-- place-months whose roster changes do not add up: now = before + joined - left, and the month's end count
select c.level, c.code, c.month, c.special_before, c.joined_count, c.left_count, c.special_now, p.special_end_count
from place_changes c
join place_months p using (code, month_start)
where c.special_now <> c.special_before + c.joined_count - c.left_count
    or c.special_now <> p.special_end_count
