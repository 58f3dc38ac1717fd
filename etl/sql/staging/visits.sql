-- one row per visit source row: typed, canonical values, and the first reason it cannot be used
with source_rows as materialized (
    select
        s.src_id,
        s.row_number,
        s.district,
        s.street,
        s.community,
        s.id_number as id_raw,
        s.name as name_raw,
        s.visit_date as visit_date_raw,
        s.method as method_raw,
        s.outcome as outcome_raw,
        s.visitor as visitor_raw,
        nullif(s.visitor_role, '') as visitor_role,
        nullif(s.findings, '') as findings,
        nullif(s.problem, '') as problem,
        nullif(s.action, '') as action,
        nullif(s.referral, '') as referral,
        nullif(s.emergency, '') as emergency,
        cv_clean(s.latitude) as latitude_text,
        cv_clean(s.longitude) as longitude_text
    from src s
),

-- A visit file repeats the same elders, staff, dates and words thousands of times:
-- each distinct raw value is cleaned and looked up once, then joined back.
id_values as (
    select id_raw, id_number, case when id_number is not null then cv_id_problem(id_number) end as id_problem
    from (select id_raw, case when cv_clean(id_raw) is not null then cv_id_normalize(id_raw) end as id_number
          from (select distinct id_raw from source_rows))
),

date_values as (
    select visit_date_raw, cv_clean(visit_date_raw) as visit_date_text,
           cv_parse_timestamp(cv_clean(visit_date_raw)) as visit_at
    from (select distinct visit_date_raw from source_rows)
),

word_values as (
    select w.field, w.raw, cv_squeeze(w.raw) as text, m.value
    from (
        select distinct 'method' as field, method_raw as raw from source_rows
        union select distinct 'outcome', outcome_raw from source_rows
    ) w
    left join value_map m on m.field = w.field and m.synonym = cv_squeeze(w.raw)
),

name_values as (
    select distinct raw, cv_squeeze(raw) as text
    from (select name_raw as raw from source_rows union select visitor_raw from source_rows)
),

source as (
    select
        r.src_id,
        r.row_number,
        i.id_number,
        i.id_problem,
        elder.text as elder_name,
        d.visit_date_text,
        d.visit_at,
        method.text as method_text,
        method.value as method,
        outcome.text as outcome_text,
        coalesce(outcome.value, case when outcome.text is null then '正常' end) as outcome,
        visitor.text as visitor_name,
        r.visitor_role,
        r.findings,
        r.problem,
        r.action,
        r.referral,
        r.emergency,
        r.latitude_text,
        r.longitude_text,
        p.community_code,
        p.place_problem
    from source_rows r
    join stg_places p
        on p.district_raw is not distinct from r.district
        and p.street_raw is not distinct from r.street
        and p.community_raw is not distinct from r.community
    join id_values i on i.id_raw is not distinct from r.id_raw
    join date_values d on d.visit_date_raw is not distinct from r.visit_date_raw
    join word_values method on method.field = 'method' and method.raw is not distinct from r.method_raw
    join word_values outcome on outcome.field = 'outcome' and outcome.raw is not distinct from r.outcome_raw
    join name_values elder on elder.raw is not distinct from r.name_raw
    join name_values visitor on visitor.raw is not distinct from r.visitor_raw
),

mapped as (
    select
        s.*,
        try_cast(s.latitude_text as double) as latitude,
        try_cast(s.longitude_text as double) as longitude
    from source s
),

keyed as materialized (
    select
        *,
        md5_number(concat_ws('|', coalesce(id_number, elder_name || '@' || community_code),
                             cast(visit_at as varchar), method, coalesce(visitor_name, ''), outcome)) as dedup_key,
        cast(visit_at as date) as visit_date
    from mapped
),

already_loaded as (
    -- joining on the date too lets DuckDB skip stored row groups outside this file's dates
    select v.dedup_key, min(l.file_name) as loaded_in_file
    from visit_rows v
    join (select distinct dedup_key, visit_date from keyed) k
        on v.dedup_key = k.dedup_key and v.visit_date = cast(k.visit_date as date)
    join loads l on l.load_id = v.load_id
    group by v.dedup_key
),

first_occurrences as (
    select dedup_key, min(src_id) as first_src_id, arg_min(row_number, src_id) as key_first_row
    from keyed
    group by dedup_key
),

checked as (
    select
        k.*,
        k.src_id <> f.first_src_id as is_repeat,
        f.key_first_row,
        a.loaded_in_file
    from keyed k
    join first_occurrences f using (dedup_key)
    left join already_loaded a using (dedup_key)
),

final as (
    select
        src_id,
        row_number,
        id_number,
        elder_name,
        community_code,
        visit_at,
        visit_date,
        method,
        outcome,
        visitor_name,
        visitor_role,
        findings,
        problem,
        action,
        referral,
        emergency,
        case when latitude between -90 and 90 and longitude between -180 and 180 then latitude end as latitude,
        case when latitude between -90 and 90 and longitude between -180 and 180 then longitude end as longitude,
        dedup_key,
        case
            when id_problem is not null then id_problem
            when id_number is null and (elder_name is null or community_code is null)
                then '缺少身份证号, 且姓名或社区为空, 无法确定是哪位老人'
            when place_problem is not null and id_number is null then place_problem
            when visit_date_text is null then '探访日期为空'
            when visit_at is null or year(visit_at) not between 2000 and 2100
                then '探访日期无法识别: ' || visit_date_text
            when cast(visit_at as date) > current_date then '探访日期在今天之后: ' || visit_date_text
            when method_text is null then '探访方式为空'
            when method is null then '未知的探访方式: ' || method_text
            when outcome is null then '未知的探访结果: ' || outcome_text
            when is_repeat then '重复记录 (与第 ' || key_first_row || ' 行相同)'
            when loaded_in_file is not null then '重复记录 (已在 ' || loaded_in_file || ' 中导入)'
        end as reject_reason,
        list_filter([
            case when place_problem is not null and id_number is not null then place_problem || ' (按身份证号关联)' end,
            case when (latitude_text is not null or longitude_text is not null)
                      and not (latitude between -90 and 90 and longitude between -180 and 180)
                 then '经纬度无效, 已忽略' end
        ], lambda w: w is not null) as warnings
    from checked
)

select * from final
