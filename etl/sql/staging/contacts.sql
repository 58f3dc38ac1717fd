-- one row per designated-contact source row: typed, canonical values, the contact people it names (one, or
-- several: 联系人1, 联系人2 …), warnings, and why it cannot be used
with source as (
    select
        s.src_id,
        s.row_number,
        s.district,
        s.street,
        s.community,
        case when cv_clean(s.id_number) is not null then cv_id_normalize(s.id_number) end as id_number,
        cv_person_name(s.name) as elder_name,
        cv_clean(s.set_date) as set_date_text
    from src s
),

written as (
    -- each contact person a row names: its first, then any written beside it (more_contacts); a person of whom
    -- nothing is written is no one, unless the row names no one at all (an elder without a contact person yet), nor
    -- one of whom only 是否有钥匙 is (a template's 否 under 联系人2 left as it was: no second person)
    select
        w.src_id,
        w.elder_name,
        w.person.contact_name,
        w.person.relation,
        w.person.contact_phone,
        w.person.has_key,
        w.position
    from (
        select s.src_id, cv_person_name(s.name) as elder_name, p.person, p.position,
            coalesce(cv_clean(p.person.contact_name), cv_clean(p.person.relation), cv_clean(p.person.contact_phone))
                is not null as is_named
        from src s,
            -- several people in one name cell, each with their phone and no phone column beside it (杨华淑 13510118852，
            -- 袁华英 15813025691): a contact person each. Or names alone (张伟、李娜, one a line), each a surname and its
            -- name: a person each, with the relation and the phone written in the same place of their cells (儿子、女儿),
            -- one written alone the relation of each and the phone of the first (review 2026-12-04: stored as one
            -- person, 张伟、李娜, or two names joined into one nobody has)
            unnest(flatten(list_transform(
                [{'contact_name': s.contact_name, 'relation': s.relation, 'contact_phone': s.contact_phone,
                  'has_key': s.has_key}] || coalesce(s.more_contacts, []),
                lambda person: list_transform(
                    [{'pairs': case when person.contact_phone is null
                                    then regexp_extract_all(person.contact_name,
                                        '[\p{Han}·A-Za-z]+[\s（(:：]*(?:\+?86)?[\d\-－ ]{7,}[）)]?') end,
                      'names': regexp_split_to_array(trim(person.contact_name), '\s*[、,，;；/／\r\n]+\s*'),
                      'relations': regexp_split_to_array(trim(person.relation), '\s*[、,，;；/／\r\n]+\s*'),
                      'phones': regexp_split_to_array(trim(person.contact_phone), '\s*[、,，;；/／\r\n]+\s*')}],
                    lambda cell: case
                        when len(cell.pairs) > 1 then list_transform(cell.pairs, lambda pair: {
                            'contact_name': pair, 'relation': person.relation, 'contact_phone': null::varchar,
                            'has_key': person.has_key})
                        when len(cell.names) > 1 and len(list_filter(cell.names, lambda name: regexp_full_match(
                                name, cv_surname() || '\p{Han}{1,3}|\p{Han}+·\p{Han}+'))) = len(cell.names)
                            then list_transform(cell.names, lambda name, i: {
                                'contact_name': name,
                                'relation': case when len(cell.relations) = len(cell.names) then cell.relations[i]
                                                 else person.relation end,
                                'contact_phone': case when len(cell.phones) = len(cell.names) then cell.phones[i]
                                                      when i = 1 then person.contact_phone end,
                                'has_key': person.has_key})
                        else [person]
                    end)[1])))
                with ordinality as p(person, position)
    ) w
    qualify w.is_named or (w.position = 1 and not bool_or(w.is_named) over (partition by w.src_id))
),

split as (
    -- a name cell that holds the phone too, where no phone is written beside it (联系人及电话: 李明 13900000001,
    -- 李明/儿子/13900000001, 李明（儿子）13900000001): the name and the relation written before the phone, and the phone
    -- (with a phone column filled too, the name and the relation are still those written before the number: 网格员
    -- 13700000001 names no person)
    select w.* exclude (has_phone, name_has_phone, parts) replace (
            coalesce(cv_clean(w.contact_phone), case when has_phone then cv_clean(
                regexp_extract(w.contact_name, '(\+?86)?\d[\d\-－ ]{5,}\d.*$')) end) as contact_phone,
            case when name_has_phone then parts[1] else w.contact_name end as contact_name,
            coalesce(cv_clean(w.relation), case when name_has_phone then coalesce(parts[2], cv_name_note(parts[1])) end)
                as relation)
    from (
        select w.*, cv_clean(w.contact_phone) is null and name_has_phone as has_phone
        from (
            select w.*, list_filter(regexp_split_to_array(coalesce(
                       nullif(trim(regexp_extract(cv_clean(w.contact_name), '^(.*?)(\+?86)?[\d\-－ ]{7,}', 1)), ''),
                       regexp_replace(cv_clean(w.contact_name), '(\+?86)?[\d\-－ ]{7,}', ' ', 'g')),
                       '[/／、,，;；:：\s（）()]+'), lambda part: part <> '') as parts,
                   -- (a number that is no phone, 1350000001, is still the phone's, warned of: not part of the name)
                   regexp_matches(cv_clean(w.contact_name), '\d[\d\-－ ]{5,}\d') as name_has_phone
            from written w
        ) w
    ) w
),

named as (
    -- a post or a relative with the person's name in brackets after it (网格员（张红）, 女儿（王芳）): that person, the
    -- word their relation
    select w.* exclude (named_in_note) replace (
            case when named_in_note then cv_name_note(w.contact_name) else w.contact_name end as contact_name,
            coalesce(cv_clean(w.relation), case when named_in_note then cv_person_name(w.contact_name) end) as relation)
    from (
        select w.*, (cv_contact_is_no_person(w.contact_name) or cv_contact_is_unnamed(w.contact_name))
                    and regexp_full_match(coalesce(cv_name_note(w.contact_name), ''), cv_surname() || '\p{Han}{1,3}')
                    as named_in_note
        from split w
    ) w
),

people as (
    select
        w.src_id,
        row_number() over (partition by w.src_id order by w.position) as contact_index,
        w.position,
        -- 无, 暂无 where a name or a phone would be: none
        case when not cv_none_written(w.contact_name) then cv_squeeze(w.contact_name) end as contact_name,
        cv_clean(w.relation) as relation,
        case when not cv_none_written(w.contact_phone) then cv_clean(w.contact_phone) end as contact_phone_raw,
        -- (a phone the cell says reaches no contact person is none: cv_phone_unreachable)
        case when cv_phone_unreachable(w.contact_phone) then []::varchar[]
             else cv_phone_list(case when not cv_none_written(w.contact_phone) then cv_clean(w.contact_phone) end)
        end as phones,
        cv_clean(w.has_key) as has_key_text,
        has_key.value as has_key,
        cv_contact_is_self(cv_clean(w.relation), cv_squeeze(w.contact_name), w.elder_name) as is_self,
        -- a warning names the contact people after the first: 联系人2 …
        case when w.position > 1 then '联系人' || w.position end as label
    from named w
    left join stg_words has_key on has_key.field = 'yes_no' and has_key.raw = w.has_key
),

contacts as (
    -- a row's contact people, in the order written, with what each warns of
    select
        src_id,
        list({'contact_index': contact_index, 'contact_name': contact_name, 'relation': relation,
              'contact_phone': phones[1], 'contact_phone_raw': contact_phone_raw, 'has_key': has_key}
             order by contact_index) as contacts,
        string_agg(concat_ws('|', coalesce(contact_name, ''), coalesce(phones[1], contact_phone_raw, '')), '|'
                   order by contact_index) as contact_key,
        list_filter(flatten(list([
            case when cv_phone_unreachable(contact_phone_raw) then cv_warn_quoting('invalid_phone', 'contact_phone',
                    contact_phone_raw, coalesce(label, '联系人') || '电话写明已停机、空号或是老人本人的 ({value}): '
                                       || '不计为社区帮扶的联系人电话')
                 when contact_phone_raw is not null and len(phones) = 0 then cv_warn_quoting('invalid_phone',
                'contact_phone', contact_phone_raw, coalesce(label, '联系人') || cv_phone_problem(contact_phone_raw)) end,
            case when cv_contact_is_gone(relation, contact_name) then cv_warn('gone_contact', 'contact_name', null,
                coalesce(label, '联系人') || '写明已故、已搬走或离职: 不计为社区帮扶的联系人') end,
            -- a person of whom only the name or only the phone is written (DESIGN §4: both, to count), on a row where
            -- no one else counts
            case when not row_helps and contact_name is not null and contact_phone_raw is null and not is_self
                      and not cv_contact_is_no_person(contact_name) and not cv_contact_is_unnamed(contact_name)
                 then cv_warn('no_phone_contact', 'contact_phone', null,
                              coalesce(label, '联系人') || '没有写电话: 不计为社区帮扶的联系人') end,
            case when not row_helps and contact_name is null and len(phones) > 0 then cv_warn('unnamed_contact',
                'contact_name', null, coalesce(label, '联系人') || '只写了电话, 没有写姓名: 不计为社区帮扶的联系人') end,
            case when has_key_text is not null and has_key is null then cv_warn_quoting('unknown_value', 'has_key',
                has_key_text, '未知的' || coalesce(label, '') || '是否有钥匙: {value}') end,
            case when is_self then cv_warn('self_contact', 'relation', null,
                coalesce(label, '联系人') || '是老人本人, 不计为社区帮扶的联系人') end,
            -- quoting the post or the relative alone: a note after it may name someone
            case when cv_contact_is_no_person(contact_name) then cv_warn_quoting('no_person_contact', 'contact_name',
                cv_person_name(contact_name),
                coalesce(label, '联系人') || '写的是单位或岗位 ({value}), 不是具体的人: 不计为社区帮扶的联系人') end,
            case when cv_contact_is_unnamed(contact_name) then cv_warn_quoting('unnamed_contact', 'contact_name',
                cv_person_name(contact_name),
                coalesce(label, '联系人') || '只写了「{value}」, 没有写姓名: 不计为社区帮扶的联系人') end
        ] order by contact_index)), lambda w: w is not null) as contact_warnings
    from (
        -- whether some person of the row has a name and a phone (designated_contacts decides who counts)
        select *, bool_or(contact_name is not null and len(phones) > 0) over (partition by src_id) as row_helps
        from people
    ) people
    group by src_id
),

mapped as (
    select
        s.*,
        p.community_code,
        p.street_code,
        p.place_problem,
        p.place_field,
        c.contacts,
        c.contact_key,
        c.contact_warnings,
        cv_parse_day_or_month(s.set_date_text) as set_date,  -- 2026年10月: from the month's first day
        case when s.id_number is not null then cv_id_problem(s.id_number) end as id_problem
    from source s
    join stg_places p
        on p.district_raw is not distinct from s.district
        and p.street_raw is not distinct from s.street
        and p.community_raw is not distinct from s.community
    join contacts c using (src_id)
),

elder_phones as (
    -- the phones the rosters give the elders this list names (a contact person's the same is most likely the elder's
    -- own, written where the contact's should be: probe 32 M1, counted without a word; a shared landline may be right)
    select id_number, list_distinct(flatten(list(phones))) as phones
    from roster_rows
    where id_number in (select id_number from source where id_number is not null)
    group by id_number
),

keyed as (
    select
        m.*,
        coalesce(list_has_any(e.phones, list_transform(m.contacts, lambda c: c.contact_phone)), false)
            as has_elders_phone,
        concat_ws('|', coalesce(m.id_number, m.elder_name || '@' || m.community_code), m.contact_key) as dedup_key
    from mapped m
    left join elder_phones e using (id_number)
),

final as (
    select
        src_id,
        row_number,
        id_number,
        elder_name,
        community_code,
        street_code,
        contacts,
        set_date,
        dedup_key,
        case
            when id_problem is not null then {'reason': id_problem, 'field': 'id_number'}
            when id_number is null and elder_name is null then {'reason': '老人姓名和身份证号都为空', 'field': 'name'}
            when place_problem is not null then {'reason': cv_mask_quoted(place_problem, elder_name), 'field': place_field}
            when street_code is null
                then {'reason': '街道和社区都为空, 无法确定属于哪个街道的联系人表', 'field': 'community'}
            when id_number is null and community_code is null
                then {'reason': '缺少身份证号, 且社区为空, 无法确定是哪位老人', 'field': 'community'}
            when row_number() over (partition by dedup_key order by src_id) > 1
                then {'reason': '重复记录 (' || cv_same_row(first_value(src_id) over (partition by dedup_key order by src_id),
                                                  src_id, first_value(row_number) over (partition by dedup_key
                                                                                        order by src_id), sheets) || '相同)',
                      'field': null}
        end as reject,  -- the first reason the row cannot be used, and the field whose cell is at fault
        case when len(contact_warnings) > 0 or (set_date_text is not null and set_date is null) or has_elders_phone
        then cv_warnings(contact_warnings || [
            case when set_date_text is not null and set_date is null then cv_warn_quoting('unknown_value', 'set_date',
                set_date_text, '确定日期无法识别: {value}') end,
            case when has_elders_phone then cv_warn('elder_phone_contact', 'contact_phone', null,
                '联系人电话与底册中老人本人的电话相同: 请核对是否为联系人本人的电话') end
        ], elder_name) else [] end as warnings
    from keyed
    cross join stg_sheets sheets
)

select * exclude (reject), reject.reason as reject_reason, reject.field as reject_field
from final
