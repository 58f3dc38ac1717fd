-- one row per visit source row: typed, canonical values, and the first reason it cannot be used
with source as (
    select
        s.src_id,
        s.row_number,
        case when cv_clean(s.id_number) is not null then cv_id_normalize(s.id_number) end as id_number,
        cv_squeeze(s.name) as elder_name,
        cv_clean(s.community) as community_text,
        cv_clean(s.visit_date) as visit_date_text,
        cv_squeeze(s.method) as method_text,
        cv_squeeze(s.outcome) as outcome_text,
        cv_squeeze(s.visitor) as visitor_name,
        cv_clean(s.visitor_role) as visitor_role,
        cv_clean(s.findings) as findings,
        cv_clean(s.problem) as problem,
        cv_clean(s.action) as action,
        cv_clean(s.referral) as referral,
        cv_clean(s.emergency) as emergency,
        cv_clean(s.latitude) as latitude_text,
        cv_clean(s.longitude) as longitude_text
    from src s
),

mapped as (
    select
        s.*,
        p.community_code,
        p.place_problem,
        cv_parse_timestamp(s.visit_date_text) as visit_at,
        method.value as method,
        coalesce(outcome.value, case when s.outcome_text is null then '正常' end) as outcome,
        try_cast(s.latitude_text as double) as latitude,
        try_cast(s.longitude_text as double) as longitude,
        case when s.id_number is not null then cv_id_problem(s.id_number) end as id_problem
    from source s
    join stg_places p using (src_id)
    left join value_map method on method.field = 'method' and method.synonym = s.method_text
    left join value_map outcome on outcome.field = 'outcome' and outcome.synonym = s.outcome_text
),

keyed as (
    select
        *,
        md5_number(concat_ws('|', coalesce(id_number, elder_name || '@' || community_code),
                             strftime(visit_at, '%Y-%m-%d %H:%M:%S'), method, coalesce(visitor_name, ''), outcome))
            as dedup_key
    from mapped
),

already_loaded as (
    select v.dedup_key, min(l.file_name) as loaded_in_file
    from visit_rows v
    join loads l using (load_id)
    where v.dedup_key in (select dedup_key from keyed)
    group by v.dedup_key
),

checked as (
    select
        k.*,
        row_number() over (partition by k.dedup_key order by k.src_id) as key_occurrence,
        first_value(k.row_number) over (partition by k.dedup_key order by k.src_id) as key_first_row,
        a.loaded_in_file
    from keyed k
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
        cast(visit_at as date) as visit_date,
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
            when key_occurrence > 1 then '重复记录 (与第 ' || key_first_row || ' 行相同)'
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
