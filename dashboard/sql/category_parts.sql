-- The sensitive categories' people in $parent_code and in each of its children in $month, the children in the order
-- of their codes (a root's children: the districts, its own count their sum): queries.categories hides a place's
-- count beside a sibling's small one, as the 汇总表 hides a row's (etl.settings.hidden_parts)
select t.code, c.category, sum(c.people_count)::bigint as people_count, t.code = $parent_code as is_whole
from category_months c join place_tree t using (code)
join month_frame f on f.month_start = c.month_start
where f.month = $month and list_contains($sensitive, c.category)
    and (t.code = $parent_code or is_child($parent_level, $parent_code, t.level, t.parent_code))
group by all
order by is_whole, t.code
