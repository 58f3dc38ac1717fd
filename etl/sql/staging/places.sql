-- one row per distinct place spelling in the file: district, street and community codes, or why not found
-- The CTEs that later ones read several times are materialized: each is then bound and planned once (an inlined one is
-- bound again for every reference, the macros of its name keys with it: 57 ms a file against 39), and the spellings
-- are numbered once.
with spellings as materialized (
    -- a file names the same few places on thousands of rows: resolve each raw spelling once
    select row_number() over () as spelling_id, district as district_raw, street as street_raw,
           community as community_raw
    from (select distinct district, street, community from src)
),

noted as materialized (
    -- each name's key once (a key spells out the suffix patterns: cv_place_key), and a street's or community's
    -- without a note in brackets after it (花园路社区居委会（劝业场街道）, 花园路（原花园路居委会）: DESIGN §3 compares
    -- names without such notes; they had been 未知社区), read where the name with it is none. One mention of
    -- cv_place_key for the four: each mention of a macro is planned anew for every file
    select * exclude (keys), keys[1] as street_key, keys[2] as community_key, keys[3:4] as plain_keys
    from (
        select *, list_transform([street_text, community_text,
                                  regexp_replace(street_text, '\s*[(（][^()（）]*[)）]\s*$', ''),
                                  regexp_replace(community_text, '\s*[(（][^()（）]*[)）]\s*$', '')],
                                 lambda n: cv_place_key(n)) as keys
        from (
            select
                spelling_id as src_id,
                cv_clean(district_raw) as district_text,
                coalesce(cv_clean(street_raw), $report_unit) as street_text,
                cv_clean(community_raw) as community_text,
                cv_clean(street_raw) is null as street_from_unit,
                cv_district_key(district_text) as district_key
            from spellings
        )
    )
),

source as materialized (
    select n.* exclude (street_key, community_key, plain_keys),
           case when street.place_key is null then n.plain_keys[1] else n.street_key end as street_key,
           case when community.place_key is null then n.plain_keys[2] else n.community_key end as community_key
    from noted n
    left join (select distinct place_key from place_keys where level = 'street') street
        on street.place_key = n.street_key
    left join (select distinct place_key from place_keys where level = 'community') community
        on community.place_key = n.community_key
),

district_match as (
    select s.src_id, list(distinct k.code) as codes
    from source s join place_keys k
        on k.level = 'district' and k.place_key = s.district_key
    group by s.src_id
),

street_by_name as (
    select s.src_id, list(distinct k.code) as codes
    from source s
    left join district_match d using (src_id)
    join place_keys k
        on k.level = 'street' and k.place_key = s.street_key
        and (len(d.codes) is distinct from 1 or k.district_code = d.codes[1])
    group by s.src_id
),

street_by_path as (
    -- a street cell that names its district (and city) first: 和平区劝业场街道, 天津市和平区劝业场街; only for the
    -- spellings no street is named by, and only when what comes before the street is that street's own district
    select s.src_id, list(distinct k.code) as codes
    from source s
    left join district_match d using (src_id)
    join place_keys k
        on k.level = 'street' and k.place_key <> ''
        and ends_with(s.street_key, k.place_key)
        and length(s.street_key) > length(k.place_key)
        and (len(d.codes) is distinct from 1 or k.district_code = d.codes[1])
    join place_keys district on district.level = 'district' and district.code = k.district_code
        and district.place_key <> ''
    where s.src_id not in (select src_id from street_by_name)
        and cv_district_key(cv_path_last(left(s.street_key,
                                              length(s.street_key) - length(k.place_key)))) = district.place_key
    group by s.src_id
),

street_match as (
    select * from street_by_name
    union all
    select * from street_by_path
),

community_match as (
    select s.src_id, list(distinct k.code) as codes
    from source s
    left join district_match d using (src_id)
    left join street_match st using (src_id)
    join place_keys k
        on k.level = 'community' and k.place_key = s.community_key
        and (len(d.codes) is distinct from 1 or k.district_code = d.codes[1])
        and (len(st.codes) is distinct from 1 or k.parent_code = st.codes[1])
    group by s.src_id
),

community_by_path as (
    -- a community cell that names its street (and district) first: 劝业场街道花园路社区, 和平区劝业场街道花园路社区居委会,
    -- 天津市-和平区-劝业场街道-花园路社区 (an online form's cascade), or its district alone: 和平区花园路社区; only for the spellings no community is named by, and only when what
    -- comes before the community is that community's own street or district (a community whose name ends
    -- another's is not taken for it, nor one of another district)
    select s.src_id, list(distinct k.code) as codes
    from source s
    left join street_match st using (src_id)
    join place_keys k
        on k.level = 'community' and k.place_key <> ''
        and ends_with(s.community_key, k.place_key)
        and length(s.community_key) > length(k.place_key)
        and (len(st.codes) is distinct from 1 or k.parent_code = st.codes[1])
    join place_keys street on street.level = 'street' and street.code = k.parent_code and street.place_key <> ''
    where s.src_id not in (select src_id from community_match)
        and (regexp_full_match(
                 cv_path_last(left(s.community_key, length(s.community_key) - length(k.place_key))),
                 '(.*(区|县|市))?' || cv_regex_escape(street.place_key) || '(街道办事处|街道|街|镇|乡)?')
             -- or its own district alone (和平区花园路社区, 天津市和平区花园路社区)
             or exists (select 1 from place_keys district
                        where district.level = 'district' and district.code = k.district_code
                            and district.place_key <> ''
                            and district.place_key = cv_district_key(cv_path_last(left(s.community_key,
                                length(s.community_key) - length(k.place_key))))))
    group by s.src_id
),

community_anywhere as (
    select s.src_id, list(distinct k.code) as codes
    from source s
    join place_keys k on k.level = 'community' and k.place_key = s.community_key
    group by s.src_id
),

resolved as materialized (
    select
        s.*,
        d.codes as district_codes,
        st.codes as street_codes,
        coalesce(c.codes, p.codes) as community_codes,
        a.codes as community_elsewhere
    from source s
    left join district_match d using (src_id)
    left join street_match st using (src_id)
    left join community_match c using (src_id)
    left join community_by_path p using (src_id)
    left join community_anywhere a using (src_id)
),

unknown_community as (
    -- the nearest community name, offered to the clerk (only for the few rows that need it)
    select
        r.src_id,
        arg_max(d.short_name, jaro_winkler_similarity(cv_place_key(d.name), r.community_key)) as closest_name
    from resolved r
    join divisions d
        on d.level = 'community' and (len(r.street_codes) is distinct from 1 or d.parent_code = r.street_codes[1])
    where r.community_text is not null and r.community_codes is null and r.community_elsewhere is null
        -- (not of a formula's error, #N/A: no name was written, probe 28 L3)
        and not cv_excel_error(trim(r.community_text))
    group by r.src_id
),

final as (
    select
        r.src_id,
        case when len(r.community_codes) = 1 then r.community_codes[1] end as community_code,
        case
            when len(r.community_codes) = 1 then community.parent_code
            when len(r.street_codes) = 1 then r.street_codes[1]
        end as street_code,
        case
            when r.district_text is not null and r.district_codes is null
                then {'text': '未知的区: ' || cv_mask_place(r.district_text), 'field': 'district'}
            when r.street_text is not null and r.street_codes is null and not r.street_from_unit
                then {'text': '未知街道: ' || cv_mask_place(r.street_text), 'field': 'street'}
            when len(r.street_codes) > 1
                then {'text': '街道名称在多个区重复: ' || r.street_text || ', 请填写所属区', 'field': 'street'}
            when r.community_text is null then null
            when r.community_codes is null and r.community_elsewhere is not null
                then {'text': '社区 ' || cv_mask_place(r.community_text) || ' 不属于 ' || r.street_text, 'field': 'community'}
            when r.community_codes is null
                then {'text': '未知社区: ' || cv_mask_place(r.community_text) || coalesce(' (最接近: ' || u.closest_name || ')', ''),
                      'field': 'community'}
            when len(r.community_codes) > 1
                then {'text': '社区名称在多个街道重复: ' || r.community_text || ', 请填写所属街道', 'field': 'community'}
        end as place_problem  -- the problem, and the field whose cell is at fault
    from resolved r
    left join divisions community on community.code = r.community_codes[1] and len(r.community_codes) = 1
    left join unknown_community u using (src_id)
)

select
    k.district_raw,
    k.street_raw,
    k.community_raw,
    f.community_code,
    f.street_code,
    street.parent_code as district_code,
    f.place_problem.text as place_problem,
    f.place_problem.field as place_field
from spellings k
join final f on f.src_id = k.spelling_id
left join divisions street on street.code = f.street_code
