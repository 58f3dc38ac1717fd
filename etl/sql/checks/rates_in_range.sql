-- place-months whose numerators exceed their denominators
select level, code, month, visited_home, eligible_home, visited_any, eligible_any,
       contact_days_covered, contact_days_eligible, disabled_with_contact, disabled_count
from place_months
where visited_home > eligible_home
    or visited_any > eligible_any
    or contact_days_covered > contact_days_eligible
    or disabled_with_contact > disabled_count
    or eligible_home > special_count
