-- one row per place per month per category: special-difficulty people with that category (once each)
with people as (
    select
        month_start,
        district_code,
        street_code,
        community_code,
        list_distinct(categories || case when is_aged then ['高龄'] else [] end) as categories
    from elder_months
    where is_special and is_active_in_month
),

person_categories as (
    select p.month_start, p.district_code, p.street_code, p.community_code, unnest(p.categories) as category
    from people p
),

configured as (
    select unnest(special_categories) as category from cfg_settings
),

final as (
    select
        month_start,
        case
            when grouping(community_code) = 0 then community_code
            when grouping(street_code) = 0 then street_code
            else district_code
        end as code,
        category,
        count(*) as people_count
    from person_categories
    where category in (select category from configured)
    group by grouping sets (
        (month_start, district_code, category),
        (month_start, district_code, street_code, category),
        (month_start, district_code, street_code, community_code, category)
    )
)

select * from final
