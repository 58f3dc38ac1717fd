-- one row per place per month per category: special-difficulty people with that category in the month (once each;
-- one whose marking changed in the month counts under each it held)
with people as (
    select
        month_start,
        district_code,
        street_code,
        community_code,
        month_categories as categories
    from elder_months
    where is_special_in_month
),

person_categories as (
    select p.month_start, p.district_code, p.street_code, p.community_code, unnest(p.categories) as category
    from people p
),

configured as (
    select unnest(special_categories) as category from cfg_settings
),

final as (
    -- each person counts in their community, their street and their district
    select c.month_start, place.code, c.category, count(*) as people_count
    from person_categories c, unnest([c.district_code, c.street_code, c.community_code]) as place(code)
    where c.category in (select category from configured)
    group by c.month_start, place.code, c.category
)

select * from final
