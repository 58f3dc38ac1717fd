-- one row per roster source row: typed, canonical values, and the first reason it cannot be used
with source as (
    select
        s.src_id,
        s.row_number,
        s.district,
        s.street,
        s.community,
        cv_id_normalize(s.id_number) as id_number,
        cv_squeeze(s.name) as elder_name,
        cv_clean(s.sex) as sex_text,
        cv_clean(s.birth_date) as birth_date_text,
        cv_clean(s.address) as address,
        cv_clean(s.phone) as phone_text,
        cv_clean(s.categories) as categories_text,
        cv_squeeze(s.living) as living_text,
        cv_squeeze(s.disability) as disability_text,
        cv_squeeze(s.consent) as consent_text,
        cv_squeeze(s.status) as status_text,
        cv_clean(s.change_date) as change_date_text,
        cv_clean(s.reg_date) as reg_date_text,
        cv_squeeze(s.visitor) as visitor_name,
        cv_squeeze(s.risk_level) as risk_text
    from src s
),

category_tokens as (
    select src_id, unnest(regexp_split_to_array(categories_text, '[、,，;；/\s]+')) as token
    from source
    where categories_text is not null
),

categories as (
    select
        t.src_id,
        list(distinct m.value) filter (where m.value <> '') as listed,
        list(t.token) filter (where m.value is null and t.token <> '') as unknown
    from category_tokens t
    left join value_map m on m.field = 'category' and m.synonym = t.token
    group by t.src_id
),

mapped as (
    select
        s.*,
        p.district_code,
        p.street_code,
        p.community_code,
        p.place_problem,
        living.value as living,
        disability.value as disability,
        consent.value as consent,
        coalesce(status.value, case when s.status_text is null then '在册' end) as status,
        risk.value as risk_level,
        sex.value as sex_given,
        c.listed,
        c.unknown as unknown_categories,
        cv_parse_date(s.change_date_text) as change_date,
        cv_parse_date(s.reg_date_text) as reg_date,
        cv_parse_date(s.birth_date_text) as birth_date_given,
        cv_phone_list(s.phone_text) as phones,
        cv_id_problem(s.id_number) as id_problem,
        row_number() over (partition by s.id_number order by s.src_id) as id_occurrence,
        first_value(s.row_number) over (partition by s.id_number order by s.src_id) as id_first_row
    from source s
    join stg_places p
        on p.district_raw is not distinct from s.district
        and p.street_raw is not distinct from s.street
        and p.community_raw is not distinct from s.community
    left join categories c using (src_id)
    left join value_map living on living.field = 'living' and living.synonym = s.living_text
    left join value_map disability on disability.field = 'disability' and disability.synonym = s.disability_text
    left join value_map consent on consent.field = 'consent' and consent.synonym = s.consent_text
    left join value_map status on status.field = 'status' and status.synonym = s.status_text
    left join value_map risk on risk.field = 'risk_level' and risk.synonym = s.risk_text
    left join value_map sex on sex.field = 'sex' and sex.synonym = s.sex_text
),

final as (
    select
        src_id,
        row_number,
        id_number,
        elder_name,
        cv_id_sex(id_number) as sex,
        cv_id_birth_date(id_number) as birth_date,
        district_code,
        street_code,
        community_code,
        address,
        phones[1] as phone,
        phones,
        list_sort(list_distinct(list_filter(
            coalesce(listed, []) || [living, disability],
            lambda c: c in ('独居', '空巢', '孤寡', '失能', '半失能', '重残', '计生特殊家庭', '留守', '特困')
        ))) as categories,
        living,
        consent,
        status,
        change_date,
        reg_date,
        visitor_name,
        risk_level,
        case
            when id_problem is not null then id_problem
            when elder_name is null then '姓名为空'
            when place_problem is not null then place_problem
            when community_code is null then '社区为空'
            when id_occurrence > 1 then '身份证号在本文件中重复 (与第 ' || id_first_row || ' 行相同)'
            when unknown_categories is not null and len(unknown_categories) > 0
                then '未知的特殊困难类别: ' || array_to_string(unknown_categories, '、')
            when living_text is not null and living is null then '未知的居住情况: ' || living_text
            when disability_text is not null and disability is null then '未知的失能程度: ' || disability_text
            when consent_text is not null and consent is null then '未知的探访意愿: ' || consent_text
            when status is null then '未知的在册状态: ' || status_text
            when risk_text is not null and risk_level is null then '未知的风险等级: ' || risk_text
            when change_date_text is not null and change_date is null then '变动日期无法识别: ' || change_date_text
            when reg_date_text is not null and reg_date is null then '建档日期无法识别: ' || reg_date_text
            when status <> '在册' and change_date is null then '状态为' || status || '但没有填写变动日期'
        end as reject_reason,
        list_filter([
            case when birth_date_text is not null and birth_date_given is distinct from cv_id_birth_date(id_number)
                 then '出生日期 ' || birth_date_text || ' 与身份证号不一致, 以身份证号为准' end,
            case when sex_given is not null and sex_given <> cv_id_sex(id_number)
                 then '性别与身份证号不一致, 以身份证号为准' end,
            case when phone_text is not null and len(phones) = 0 then '联系电话无效: ' || phone_text end,
            case when substr(id_number, 1, 2) not in ('11', '12', '13', '14', '15', '21', '22', '23', '31',
                 '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52',
                 '53', '54', '61', '62', '63', '64', '65', '71', '81', '82')
                 then '身份证号的地区码未知: ' || substr(id_number, 1, 6) end
        ], lambda w: w is not null) as warnings
    from mapped
)

select * from final
