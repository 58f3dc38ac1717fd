-- one row per designated-contact source row: typed, canonical values, warnings, and why it cannot be used
with source as (
    select
        s.src_id,
        s.row_number,
        s.district,
        s.street,
        s.community,
        case when cv_clean(s.id_number) is not null then cv_id_normalize(s.id_number) end as id_number,
        cv_squeeze(s.name) as elder_name,
        cv_squeeze(s.contact_name) as contact_name,
        cv_clean(s.relation) as relation,
        cv_clean(s.contact_phone) as contact_phone_raw,
        cv_clean(s.has_key) as has_key_text,
        s.has_key as has_key_raw,
        cv_clean(s.set_date) as set_date_text
    from src s
),

mapped as (
    select
        s.*,
        p.community_code,
        p.street_code,
        p.place_problem,
        p.place_field,
        cv_phone_list(s.contact_phone_raw) as phones,
        has_key.value as has_key,
        cv_parse_date(s.set_date_text) as set_date,
        case when s.id_number is not null then cv_id_problem(s.id_number) end as id_problem
    from source s
    join stg_places p
        on p.district_raw is not distinct from s.district
        and p.street_raw is not distinct from s.street
        and p.community_raw is not distinct from s.community
    left join stg_words has_key on has_key.field = 'yes_no' and has_key.raw = s.has_key_raw
),

keyed as (
    select
        *,
        concat_ws('|', coalesce(id_number, elder_name || '@' || community_code), coalesce(contact_name, ''),
                  coalesce(phones[1], contact_phone_raw, '')) as dedup_key
    from mapped
),

final as (
    select
        src_id,
        row_number,
        id_number,
        elder_name,
        community_code,
        street_code,
        contact_name,
        relation,
        phones[1] as contact_phone,
        contact_phone_raw,
        has_key,
        set_date,
        dedup_key,
        case
            when id_problem is not null then {'reason': id_problem, 'field': 'id_number'}
            when id_number is null and elder_name is null then {'reason': '老人姓名和身份证号都为空', 'field': 'name'}
            when place_problem is not null then {'reason': cv_mask_free_text(place_problem), 'field': place_field}
            when street_code is null
                then {'reason': '街道和社区都为空, 无法确定属于哪个街道的联系人表', 'field': 'community'}
            when id_number is null and community_code is null
                then {'reason': '缺少身份证号, 且社区为空, 无法确定是哪位老人', 'field': 'community'}
            when row_number() over (partition by dedup_key order by src_id) > 1
                then {'reason': '重复记录 (与第 ' || first_value(row_number) over (partition by dedup_key order by src_id)
                                || ' 行相同)', 'field': null}
        end as reject,  -- the first reason the row cannot be used, and the field whose cell is at fault
        case when (contact_phone_raw is not null and len(phones) = 0) or (has_key_text is not null and has_key is null)
                  or (set_date_text is not null and set_date is null)
        then cv_warnings([
            case when contact_phone_raw is not null and len(phones) = 0 then cv_warn_quoting('invalid_phone',
                'contact_phone', contact_phone_raw, '联系人电话无效: {value}') end,
            case when has_key_text is not null and has_key is null then cv_warn_quoting('unknown_value', 'has_key',
                has_key_text, '未知的是否有钥匙: {value}') end,
            case when set_date_text is not null and set_date is null then cv_warn_quoting('unknown_value', 'set_date',
                set_date_text, '确定日期无法识别: {value}') end
        ]) else [] end as warnings
    from keyed
)

select * exclude (reject), reject.reason as reject_reason, reject.field as reject_field
from final
