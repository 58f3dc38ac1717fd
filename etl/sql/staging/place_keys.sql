-- one row per way of writing a division's name (full name, short name, former names, its code)
with divisions_named as (
    select code, parent_code, level, name, short_name from divisions
),

spellings as (
    select code, name as spelling from divisions_named
    union select code, short_name from divisions_named
    union select code, alias from division_aliases
    -- the division code as systems export it: in full (120101001000), or a street's nine digits and a district's
    -- six (the zeros after them dropped)
    union select code, code from divisions_named
    union select code, substr(code, 1, 9) from divisions_named where level = 'street' and ends_with(code, '000')
    union select code, substr(code, 1, 6) from divisions_named where level = 'district' and ends_with(code, '000000')
),

final as (
    select
        d.level,
        d.code,
        d.parent_code,
        case d.level
            when 'district' then d.code
            when 'street' then d.parent_code
            else (select p.parent_code from divisions p where p.code = d.parent_code)
        end as district_code,
        d.name,
        case d.level when 'district' then cv_district_key(s.spelling) else cv_place_key(s.spelling) end as place_key
    from divisions_named d
    join spellings s using (code)
)

select distinct * from final
