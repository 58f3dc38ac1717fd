-- one row per imported shape: the division it matches by code, else by (former) name, or why none
with shape as (
    select shape_index, nullif(trim(code), '') as code, nullif(trim(name), '') as name,
           level, geometry_type
    from geo_import_shape_keys
),

named_division as (
    select code, level, name from divisions
    union
    select alias.code, division.level, alias.alias
    from division_aliases as alias join divisions as division using (code)
),

division_key as (
    select distinct code, level,
        case when level = 'district' then cv_district_key(name) else cv_place_key(name) end
            as place_key
    from named_division
),

by_code as (
    select shape.shape_index, division.code
    from shape join divisions as division on division.code = shape.code
),

by_name as (
    select shape.shape_index,
           list(distinct division_key.code order by division_key.code) as codes
    from shape
    join division_key
      on (shape.level is null or shape.level = division_key.level)
     and division_key.place_key = case when division_key.level = 'district'
         then cv_district_key(shape.name) else cv_place_key(shape.name) end
    group by shape.shape_index
),

matched as (
    select
        shape.*,
        coalesce(by_code.code, case when len(by_name.codes) = 1 then by_name.codes[1] end)
            as matched_code,
        coalesce(len(by_name.codes), 0) as name_match_count,
        array_to_string(by_name.codes, ', ') as name_codes,
        '区划代码 ' || shape.code || ' 不在区划表中' as unknown_code
    from shape
    left join by_code using (shape_index)
    left join by_name using (shape_index)
),

final as (
    select
        shape_index,
        matched_code,
        case
            when geometry_type is null then '没有图形'
            when geometry_type not in ('Polygon', 'MultiPolygon')
                then '不是面图形 (' || geometry_type || ')'
            when matched_code is not null then null
            when name_match_count > 1 then concat_ws(', ', unknown_code,
                '名称对应多个区划 (' || name_codes || '), 请在文件中加上区划代码')
            when name is not null then concat_ws(', ', unknown_code, '名称没有对应的区划')
            when code is not null then unknown_code
            else '没有区划代码或名称'
        end as unmatched_reason,
        coalesce(name || coalesce(' (' || code || ')', ''), code,
                 '第 ' || (shape_index + 1) || ' 个图形') as shape_label
    from matched
)

select * from final order by shape_index
