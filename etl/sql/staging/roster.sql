-- one row per roster source row: typed, canonical values, warnings, and the first reason it cannot be used
-- (a row is rejected only when it cannot be tied to one person and one place: DESIGN §3)
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
        s.sex as sex_raw,
        cv_clean(s.birth_date) as birth_date_text,
        cv_clean(s.address) as address,
        cv_clean(s.phone) as phone_text,
        cv_clean(s.categories) as categories_text,
        s.categories as categories_raw,
        cv_clean(s.living) as living_text,
        s.living as living_raw,
        cv_clean(s.disability) as disability_text,
        s.disability as disability_raw,
        cv_clean(s.consent) as consent_text,
        s.consent as consent_raw,
        cv_clean(s.status) as status_text,
        s.status as status_raw,
        cv_clean(s.change_date) as change_date_text,
        cv_clean(s.reg_date) as reg_date_text,
        cv_squeeze(s.visitor) as visitor_name,
        cv_clean(s.risk_level) as risk_text,
        s.risk_level as risk_raw
    from src s
),

mapped as (
    select
        s.*,
        p.district_code,
        p.street_code,
        p.community_code,
        p.place_problem,
        -- the category column alone marks who is special-difficulty; 高龄 comes from the ID number
        list_filter(coalesce(category."values", []), lambda c: c <> '高龄') as marked,
        category.unknown_parts as unknown_categories,
        living.value as living,
        disability.value as disability,
        consent.value as consent,
        case when s.status_text is null then '在册' else status.value end as status,
        risk.value as risk_level,
        sex.value as sex_given,
        cv_parse_date(s.change_date_text) as change_date,
        cv_parse_date(s.reg_date_text) as reg_date,
        cv_phone_list(s.phone_text) as phones,
        cv_id_problem(s.id_number) as id_problem,
        row_number() over (partition by s.id_number order by s.src_id) as id_occurrence,
        first_value(s.row_number) over (partition by s.id_number order by s.src_id) as id_first_row,
        (select any_value(derive_categories_from_attributes) from cfg_settings) as derive_categories
    from source s
    join stg_places p
        on p.district_raw is not distinct from s.district
        and p.street_raw is not distinct from s.street
        and p.community_raw is not distinct from s.community
    left join stg_words category on category.field = 'category' and category.raw = s.categories_raw
    left join stg_words living on living.field = 'living' and living.raw = s.living_raw
    left join stg_words disability on disability.field = 'disability' and disability.raw = s.disability_raw
    left join stg_words consent on consent.field = 'consent' and consent.raw = s.consent_raw
    left join stg_words status on status.field = 'status' and status.raw = s.status_raw
    left join stg_words risk on risk.field = 'risk_level' and risk.raw = s.risk_raw
    left join stg_words sex on sex.field = 'sex' and sex.raw = s.sex_raw
),

categorised as (
    select
        *,
        list_sort(list_distinct(marked || case when derive_categories then list_filter(
            [living, disability], lambda c: c in ('独居', '空巢', '失能', '半失能')) else [] end)) as categories
    from mapped
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
        categories,
        living,
        disability,
        consent,
        status,
        change_date,
        reg_date,
        visitor_name,
        risk_level,
        case
            when id_problem is not null then id_problem
            when elder_name is null then '姓名为空'
            when place_problem is not null then cv_mask_free_text(place_problem)
            when community_code is null then '社区为空'
            when id_occurrence > 1 then '身份证号在本文件中重复 (与第 ' || id_first_row || ' 行相同)'
        end as reject_reason,
        list_filter([
            case when len(unknown_categories) > 0 then cv_warning('unknown_value', 'category',
                array_to_string(unknown_categories, '、'),
                '未知的特殊困难类别: ' || cv_mask_free_text(array_to_string(unknown_categories, '、')) || ', 未计入') end,
            case when living_text is not null and living is null then cv_warning('unknown_value', 'living',
                living_text, '未知的居住情况: ' || cv_mask_free_text(living_text)) end,
            case when disability_text is not null and disability is null then cv_warning('unknown_value', 'disability',
                disability_text, '未知的失能程度: ' || cv_mask_free_text(disability_text)) end,
            case when consent_text is not null and consent is null then cv_warning('unknown_value', 'consent',
                consent_text, '未知的探访意愿: ' || cv_mask_free_text(consent_text)) end,
            case when status is null then cv_warning('unknown_value', 'status',
                status_text, '未知的在册状态: ' || cv_mask_free_text(status_text)) end,
            case when risk_text is not null and risk_level is null then cv_warning('unknown_value', 'risk_level',
                risk_text, '未知的风险等级: ' || cv_mask_free_text(risk_text)) end,
            case when change_date_text is not null and change_date is null then cv_warning('unknown_value',
                'change_date', change_date_text, '变动日期无法识别: ' || cv_mask_free_text(change_date_text)) end,
            case when reg_date_text is not null and reg_date is null then cv_warning('unknown_value',
                'reg_date', reg_date_text, '建档日期无法识别: ' || cv_mask_free_text(reg_date_text)) end,
            case when status not in ('在册') and change_date is null then cv_warning('exit_without_date',
                'change_date', change_date_text,
                '状态为' || status || '但没有填写变动日期, 按底册的填报日期计为离开') end,
            -- the attributes contradict the street's marking: loaded as marked (底数不清)
            case when not derive_categories and living = '独居' and not list_contains(categories, '独居')
                then cv_warning('contradiction', 'living', living_text,
                    '居住情况为' || cv_mask_free_text(living_text) || ', 但特殊困难类别中没有独居: 按类别导入, 请核实') end,
            case when not derive_categories and disability in ('失能', '半失能')
                      and not list_contains(categories, disability)
                then cv_warning('contradiction', 'disability', disability_text,
                    '失能程度为' || cv_mask_free_text(disability_text) || ', 但特殊困难类别中没有' || disability
                    || ': 按类别导入, 请核实') end,
            case when birth_date_text is not null
                      and cv_birth_date_contradicts(birth_date_text, cv_id_birth_date(id_number)) is null
                then cv_warning('unknown_value', 'birth_date', birth_date_text,
                    '出生日期无法识别: ' || cv_mask_free_text(birth_date_text) || ', 以身份证号为准')
                when cv_birth_date_contradicts(birth_date_text, cv_id_birth_date(id_number))
                then cv_warning('birth_date_mismatch', 'birth_date', birth_date_text,
                    '出生日期 ' || cv_mask_free_text(birth_date_text) || ' 与身份证号不一致, 以身份证号为准') end,
            case when sex_text is not null and sex_given is null then cv_warning('unknown_value', 'sex',
                sex_text, '未知的性别: ' || cv_mask_free_text(sex_text) || ', 以身份证号为准')
                when sex_given <> cv_id_sex(id_number) then cv_warning('sex_mismatch', 'sex', sex_text,
                '性别与身份证号不一致, 以身份证号为准') end,
            case when phone_text is not null and len(phones) = 0 then cv_warning('invalid_phone', 'phone',
                phone_text, '联系电话无效: ' || cv_mask_free_text(phone_text)) end,
            case when substr(id_number, 1, 2) not in ('11', '12', '13', '14', '15', '21', '22', '23', '31',
                 '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52',
                 '53', '54', '61', '62', '63', '64', '65', '71', '81', '82')
                 then cv_warning('unknown_area_code', 'id_number', substr(id_number, 1, 6),
                    '身份证号的地区码未知: ' || substr(id_number, 1, 6)) end
        ], lambda w: w is not null) as warnings
    from categorised
)

select * from final
