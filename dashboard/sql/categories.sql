-- People per category in the place (the districts' summed at the root) in $month, each person once per
-- category, largest first; a small count (1 to $threshold - 1) of a $sensitive category is suppressed:
-- null, with `suppressed` set and '<threshold' as its text.
with counts as (
    select c.category, sum(c.people_count)::bigint as people_count,
        list_contains($sensitive, c.category) and sum(c.people_count) between 1 and $threshold - 1
            as suppressed
    from category_months c join place_tree t using (code)
    join month_frame f on f.month_start = c.month_start
    where f.month = $month
        and is_target($level, $code, t.level, t.code)
        and in_scope($scope, t.district_code, t.street_code, t.code)
    group by c.category
)
select category, case when suppressed then null else people_count end as people_count, suppressed,
    case when suppressed then '<' || $threshold else format('{:,}', people_count) end as count_text
from counts
order by suppressed, people_count desc, category
