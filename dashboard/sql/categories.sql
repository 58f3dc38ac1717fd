-- People per category in the place (the districts' summed at the root) in $month, each person once per
-- category, largest first (queries.categories hides small counts of sensitive categories)
with counts as (
    select c.category, sum(c.people_count)::bigint as people_count
    from category_months c join place_tree t using (code)
    join month_frame f on f.month_start = c.month_start
    where f.month = $month
        and is_target($level, $code, t.level, t.code)
        and in_scope($scope, t.district_code, t.street_code, t.code)
    group by c.category
)
select category, people_count
from counts
order by people_count desc, category
