-- parents whose counts differ from the sum of their children's (people belong to one community)
with child_sums as (
    select parent_code as code, month, sum(special_count) as special_count, sum(eligible_home) as eligible_home,
           sum(visited_home) as visited_home, sum(contact_days_eligible) as contact_days_eligible,
           sum(disabled_count) as disabled_count, sum(overdue_count) as overdue_count
    from place_months
    where level in ('street', 'community')
    group by parent_code, month
)

select p.level, p.code, p.month
from place_months p
join child_sums c using (code, month)
where (p.special_count, p.eligible_home, p.visited_home, p.contact_days_eligible, p.disabled_count, p.overdue_count)
    <> (c.special_count, c.eligible_home, c.visited_home, c.contact_days_eligible, c.disabled_count, c.overdue_count)
