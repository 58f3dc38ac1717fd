-- one row per division with the district and street it lies in: the basis of every scope filter
with final as (
    select
        d.code,
        d.level,
        d.name,
        d.short_name,
        d.parent_code,
        case d.level when 'district' then d.code when 'street' then d.parent_code else p.parent_code end
            as district_code,
        case d.level when 'street' then d.code when 'community' then d.parent_code end as street_code,
        s.code is not null as has_shape,
        coalesce(s.is_schematic, false) as is_schematic
    from divisions d
    left join divisions p on p.code = d.parent_code
    left join division_shapes s on s.code = d.code
)

select * from final
