-- The sensitive categories' people in the month of $month_start in each place beside $code (the children of its
-- parent, the districts where it is one), in the order of their codes, and in its parent itself (none above a
-- district: their sum): reports.hidden_beside_siblings, for the 汇总表's 合计 and the overview's category chart
with target as (
    select code, level, parent_code from place_tree where code = $code
),

siblings as (
    select t.code
    from place_tree t, target g
    where case when g.level = 'district' then t.level = 'district' else t.parent_code = g.parent_code end
),

final as (
    select c.code, c.category, c.people_count, c.code not in (select code from siblings) as is_whole
    from category_months c
    where c.month_start = $month_start and list_contains($sensitive, c.category)
        and (c.code in (select code from siblings)
             or c.code in (select parent_code from target where level <> 'district'))
)

select * from final
order by is_whole, code
