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
        cv_person_name(s.name) as elder_name,
        s.name as name_raw,
        cv_name_note(s.name) as name_note,
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
        cv_status_cell(s.status, s.status_reason) as status_text,
        cv_status_cell(s.status, s.status_reason) as status_raw,
        cv_clean(s.change_date) as change_date_text,
        cv_clean(s.reg_date) as reg_date_text,
        cv_squeeze(s.visitor) as visitor_name,
        cv_clean(s.risk_level) as risk_text,
        s.risk_level as risk_raw,
        s.alive,
        s.deceased,
        s.in_roster,
        s.cancelled,
        s.moved_out,
        s.exit_elsewhere,
        -- a 备注 that names an exit (已去世 2026.9.3, 搬至女儿家), not a relative's (老伴已去世): warned of, never read as
        -- the status (DESIGN §3: nothing guessed)
        case when not regexp_matches(s.notes, '(配偶|老伴|丈夫|妻子|爱人|儿子|女儿|子女|孙)[^，,；;。]{0,3}'
                                              || '(去世|死亡|病故|过世|逝世|已故|亡故)')
             then s.notes end as notes_raw
    from src s
),

-- the category cells' values, once per distinct cell: the category column alone marks who is
-- special-difficulty; 高龄 comes from the ID number
category_words as (
    select raw, marked, list_sort(list_distinct(marked)) as marked_sorted, unknown_parts, wrote_old
    from (select raw, list_filter(coalesce("values", []), lambda c: c <> '高龄') as marked, unknown_parts,
                 list_contains(coalesce("values", []), '高龄') as wrote_old
          from stg_words where field = 'category')
),

mapped as (
    select
        s.*,
        p.district_code,
        p.street_code,
        p.community_code,
        p.place_problem,
        p.place_field,
        coalesce(category.marked, []) as marked,
        coalesce(category.marked_sorted, []) as marked_sorted,
        category.unknown_parts as unknown_categories,
        living.value as living,
        disability.value as disability,
        consent.value as consent,
        -- a consent cell that names both (本人拒绝上门，同意电话): read as its strongest, 不同意, and said so
        len(consent."values") > 1 as consent_mixed,
        coalesce(category.wrote_old, false) as wrote_old,
        -- a 是否健在 or 是否死亡 column that says the elder died is their status, whatever the status cell says
        case when alive.value = '否' or deceased.value = '是' then '死亡'
             -- 是否迁出 是, 是否注销 是, 是否在册 否: the exit they say, where the status cell says no other
             when (s.status_text is null or status.value = '在册') and moved_out.value = '是' then '迁出'
             when (s.status_text is null or status.value = '在册')
                  and (cancelled.value = '是' or in_roster.value = '否') then '注销'
             when s.status_text is null then '在册' else status.value end as status,
        status.value as status_written,
        name_status.value as name_status,
        notes_status.value as notes_status,
        risk.value as risk_level,
        sex.value as sex_given,
        -- the change and registration dates, and an exit's date the clerk wrote in the status cell (死亡（2026.5.3）,
        -- 迁出 2026年5月3日: its change date, only in the wrong column, read there when the change-date cell is empty),
        -- read by one use of cv_parse_day_or_month (each use of a macro is bound anew for every file)
        -- (or its month: 2026年10月去世, that month's first day, said so as of a change date's column)
        case when s.change_date_text is null and status.value <> '在册' then nullif(regexp_extract(
            s.status_text, '\d{4}\s*[./\-年]\s*\d{1,2}\s*(?:[./\-月]\s*\d{1,2}\s*日?|月)'), '') end
            as status_date_text,
        list_transform([s.change_date_text, s.reg_date_text, status_date_text],
                       lambda d: cv_parse_day_or_month(d)) as dates,
        -- a change date written without its year (10月5日), in its column or else in an exit's status cell (死亡
        -- 10.9): the year of the list's date that it reports (its 填报日期), said so
        coalesce(s.change_date_text, case when status.value <> '在册' then nullif(regexp_extract(
            s.status_text, '\d{1,2}\s*[./\-月]\s*\d{1,2}\s*[日号]?'), '') end) as yearless_text,
        cv_day_before(yearless_text, listed.listed) as yearless_change_date,
        cv_phone_list(s.phone_text) as phones,
        cv_id_problem(s.id_number) as id_problem,
        cv_id_birth_date(s.id_number) as id_birth_date,
        (select any_value(derive_categories_from_attributes) from cfg_settings) as derive_categories,
        (select any_value(aged_from) from cfg_settings) as aged_from
    from source s
    cross join (select listed from stg_sheets) listed
    join stg_places p
        on p.district_raw is not distinct from s.district
        and p.street_raw is not distinct from s.street
        and p.community_raw is not distinct from s.community
    left join category_words category on category.raw = s.categories_raw
    left join stg_words living on living.field = 'living' and living.raw = s.living_raw
    left join stg_words disability on disability.field = 'disability' and disability.raw = s.disability_raw
    left join stg_words consent on consent.field = 'consent' and consent.raw = s.consent_raw
    left join stg_words status on status.field = 'status' and status.raw = s.status_raw
    left join stg_words name_status on name_status.field = 'status' and name_status.raw = s.name_note
    left join stg_words notes_status on notes_status.field = 'status' and notes_status.raw = s.notes_raw
    left join stg_words risk on risk.field = 'risk_level' and risk.raw = s.risk_raw
    left join stg_words alive on alive.field = 'yes_no' and alive.raw = s.alive
    left join stg_words deceased on deceased.field = 'yes_no' and deceased.raw = s.deceased
    left join stg_words in_roster on in_roster.field = 'yes_no' and in_roster.raw = s.in_roster
    left join stg_words cancelled on cancelled.field = 'yes_no' and cancelled.raw = s.cancelled
    left join stg_words moved_out on moved_out.field = 'yes_no' and moved_out.raw = s.moved_out
    left join stg_words sex on sex.field = 'sex' and sex.raw = s.sex_raw
),

repeats as (
    -- a row repeats an earlier one of its ID number listing the elder as it does (on the roll, or reported gone) or in
    -- its community; a move written as two rows is none (迁出 from one community, 在册 in another: roster history
    -- places the elder by the dates they give)
    select
        * exclude (dates),
        -- (named here, not beside dates: a column named in the select that defines it is its whole expression again)
        coalesce(dates[1], dates[3], yearless_change_date) as change_date,
        -- … without its year: the year that the list's 填报日期 gives it (cv_day_before), said so
        dates[1] is null and dates[3] is null and yearless_change_date is not null as yearless_change,
        dates[2] as reg_date,
        greatest(row_number() over as_listed, row_number() over in_place) as id_occurrence,
        case when row_number() over as_listed > 1 then first_value(row_number) over as_listed
             else first_value(row_number) over in_place end as id_first_row,
        case when row_number() over as_listed > 1 then first_value(src_id) over as_listed
             else first_value(src_id) over in_place end as id_first_src_id,
        -- the name of the row it repeats: another name says one of the two ID numbers is wrong
        case when row_number() over as_listed > 1 then first_value(elder_name) over as_listed
             else first_value(elder_name) over in_place end as id_first_name,
        -- … its status (a row of 在册 and one of 死亡 for one person: the second is rejected, which the reason says)
        case when row_number() over as_listed > 1 then first_value(status) over as_listed
             else first_value(status) over in_place end as id_first_status,
        -- … and whether it is that row again, cell for cell (a workbook's 汇总 sheet beside a sheet per community):
        -- a repeat (重复记录) with nothing to correct, not a second person given one ID number
        case when row_number() over as_listed > 1 then first_value(record) over as_listed
             else first_value(record) over in_place end = record as repeats_record,
        -- … or that row but for its categories: one elder on two of the lists a roster was put together from (独居,
        -- then 失能), whose categories are the two rows' (review 13 L1: the second's were lost to 身份证号重复)
        -- (only into the row kept, the first of its listing too, and not with a category unknown, which its row's
        -- warning would have named: review 15 M1, M2)
        row_number() over in_place > 1 and first_value(but_categories) over in_place = but_categories
            and first_value(src_id) over in_place = first_value(src_id) over as_listed
            and coalesce(len(unknown_categories), 0) = 0 as adds_categories,
        row_number() over in_place = 1 as is_first_in_place,
        count(*) over (partition by id_number, community_code) > 1 as is_repeated_in_place
    from (select *, hash(but_categories, categories_text) as record
          from (select *, hash(elder_name, community_code, sex_text, birth_date_text, address, phone_text, living_text,
                               disability_text, consent_text, status_text, change_date_text, reg_date_text,
                               visitor_name, risk_text, notes_raw) as but_categories
                from mapped))
    window as_listed as (partition by id_number, coalesce(status, '在册') = '在册' order by src_id),
           in_place as (partition by id_number, community_code order by src_id)
),

repeated_categories as (
    -- the categories of an elder's rows in a community that differ by nothing else (adds_categories): few rows
    select id_number, community_code, but_categories, list_distinct(flatten(list(marked))) as marked_with_repeats
    from repeats
    where is_repeated_in_place and (is_first_in_place or adds_categories)
    group by all
),

categorised as (
    select
        r.*,
        case when derive_categories then list_sort(list_distinct(coalesce(k.marked_with_repeats, r.marked) || list_filter(
            [living, disability], lambda c: c in ('独居', '空巢', '失能', '半失能'))))
             else coalesce(list_sort(k.marked_with_repeats), r.marked_sorted) end as categories,
        -- once per row: null when the text is no date, true when it is another date than the ID's
        case when birth_date_text is not null then cv_birth_date_contradicts(birth_date_text, id_birth_date) end
            as birth_contradicts
    from repeats r
    left join repeated_categories k using (id_number, community_code, but_categories)
),

checked as (
    -- each warning's condition, once: the warnings list is only built for the few rows with one
    select
        *,
        len(unknown_categories) > 0 as unknown_category,
        living_text is not null and living is null as unknown_living,
        disability_text is not null and disability is null as unknown_disability,
        consent_text is not null and consent is null as unknown_consent,
        status is null as unknown_status,
        risk_text is not null and risk_level is null as unknown_risk,
        change_date_text is not null and change_date is null as unknown_change_date,
        -- a change date given by its month alone (2026.10): that month's first day, said so (an exit counts from it)
        coalesce(change_date_text, status_date_text) is not null and change_date is not null
            and cv_parse_date(coalesce(change_date_text, status_date_text)) is null
            and yearless_change_date is null as month_only_change_date,

        reg_date_text is not null and reg_date is null as unknown_reg_date,
        -- … or by its month alone (2026年10月): that month's first day, said so as of a change date
        reg_date is not null and cv_parse_date(reg_date_text) is null as month_only_reg_date,
        status not in ('在册') and change_date is null as exit_without_date,
        -- the attributes contradict the street's marking: loaded as marked (底数不清)
        not derive_categories and living = '独居' and not list_contains(categories, '独居') as living_contradicts,
        not derive_categories and disability in ('失能', '半失能') and not list_contains(categories, disability)
            as disability_contradicts,
        birth_date_text is not null and birth_contradicts is not false as birth_warning,
        (sex_text is not null and sex_given is null) or sex_given <> cv_id_sex(id_number) as sex_warning,
        substr(id_number, 1, 2) not in ('11', '12', '13', '14', '15', '21', '22', '23', '31',
            '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52',
            '53', '54', '61', '62', '63', '64', '65', '71', '81', '82') as unknown_area_code,
        phone_text is not null and len(phones) = 0 as invalid_phone,
        -- on the roll by its status cell, with an exit noted beside the name: loaded as the status cell says
        status = '在册' and coalesce(name_status, '在册') <> '在册' as status_in_name,
        -- … or in its 备注
        status = '在册' and coalesce(name_status, '在册') = '在册' and coalesce(notes_status, '在册') <> '在册'
            as status_in_notes,
        -- … or by a filled date column of an exit (死亡日期 beside 在册)
        status = '在册' and exit_elsewhere is not null and not status_in_name and not status_in_notes
            as status_elsewhere,
        -- … or the status cell says 在册 where a yes/no column says the elder left (是否注销 是): loaded as that says
        status_written = '在册' and status <> '在册' as status_by_column,
        coalesce(len(categories) > 0 and cv_age(id_birth_date, cv_today()) < 60, false) as too_young,
        -- a number typed in the name's cell (an ID number, a phone): loaded by the row's ID number, the name to fix
        -- (its digits however grouped or wide, nothing else a name is written in left: 138-1234-5678 had been
        -- stored as 138-, review 15 M4; 张三 13812345678 is 张三)
        coalesce(regexp_matches(regexp_replace(cv_half_width(name_raw), '[\s\-.－—]', '', 'g'), '\d{6}')
                 and not regexp_matches(regexp_replace(coalesce(elder_name, ''), '[Xx]$', ''), '\p{L}'), false)
            as name_is_number,
        -- 高龄 written for someone the ID number makes younger than 80 (高龄 is the ID number's: DESIGN §4)
        wrote_old and coalesce(cv_age(id_birth_date, cv_today()) < aged_from, false) as old_contradicts
    from categorised
),

final as (
    select
        src_id,
        row_number,
        id_number,
        -- a number in the name's cell is no name: stored as none written, never as the number (review 12 L4: an ID
        -- number kept as the name, for anyone allowed names to read)
        case when not name_is_number then elder_name end as elder_name,
        cv_id_sex(id_number) as sex,
        id_birth_date as birth_date,
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
        -- the first reason the row cannot be used, and the field whose cell is at fault
        case
            when id_problem is not null then {'reason': id_problem, 'field': 'id_number'}
            when place_problem is not null then {'reason': cv_mask_quoted(place_problem, elder_name), 'field': place_field}
            when community_code is null then {'reason': '社区为空', 'field': 'community'}
            when id_occurrence > 1 and repeats_record
                then {'reason': '重复记录 (' || cv_same_row(id_first_src_id, src_id, id_first_row, sheets) || '相同)',
                      'field': 'id_number'}
            -- (a repeat, with nothing to fix: its categories are the row's it repeats)
            when id_occurrence > 1 and adds_categories
                then {'reason': '重复记录 (' || cv_same_row(id_first_src_id, src_id, id_first_row, sheets)
                                || '是同一人, 只是类别不同: 本行的类别已并入那一行)',
                      'field': 'id_number'}
            when id_occurrence > 1
                then {'reason': '身份证号在本文件中重复 (' || cv_same_row(id_first_src_id, src_id, id_first_row, sheets)
                                || '相同' || case when id_first_name <> elder_name then ', 但姓名不同: 请核对两行的身份证号'
                                                  when id_first_status is distinct from status
                                                      then ', 但那一行写' || coalesce(id_first_status, '在册') || '、本行写'
                                                           || coalesce(status, '在册') || '; 现按那一行计, 同一人请只写一行'
                                                  else '' end
                                || ')',
                      'field': 'id_number'}
        end as reject,
        case when unknown_category or unknown_living or unknown_disability or unknown_consent or unknown_status
                  or unknown_risk or unknown_change_date or month_only_change_date or yearless_change or unknown_reg_date
                  or month_only_reg_date
                  or exit_without_date or living_contradicts
                  or disability_contradicts or birth_warning or sex_warning or invalid_phone or unknown_area_code
                  or status_in_name or status_in_notes or status_elsewhere or status_by_column or too_young
                  or consent_mixed
                  or old_contradicts or name_is_number or elder_name is null
        then cv_warnings([
            case when unknown_category then cv_warn_quoting('unknown_value', 'category',
                array_to_string(unknown_categories, '、'), '未知的特殊困难类别: {value}, 未计入') end,
            case when unknown_living then cv_warn_quoting('unknown_value', 'living', living_text, '未知的居住情况: {value}') end,
            case when unknown_disability then cv_warn_quoting('unknown_value', 'disability', disability_text,
                '未知的失能程度: {value}') end,
            case when unknown_consent then cv_warn_quoting('unknown_value', 'consent', consent_text, '未知的探访意愿: {value}') end,
            case when consent_mixed then cv_warn_quoting('contradiction', 'consent', consent_text,
                '探访意愿中既有同意又有不同意: {value}, 按' || consent || '计 (不计入应探访人数), 请核实后只填一种') end,
            case when old_contradicts then cv_warn('contradiction', 'category', null,
                '类别中写了高龄, 但按身份证号此人现年 ' || cv_age(id_birth_date, cv_today()) || ' 岁, 不满 ' || aged_from
                || ' 岁: '
                || '高龄按身份证号计, 请核对') end,
            case when unknown_status then cv_warn_quoting('unknown_value', 'status', status_text, '未知的在册状态: {value}') end,
            case when unknown_risk then cv_warn_quoting('unknown_value', 'risk_level', risk_text, '未知的风险等级: {value}') end,
            case when unknown_change_date then cv_warn_quoting('unknown_value', 'change_date', change_date_text,
                '变动日期无法识别: {value}') end,
            case when yearless_change then cv_warn_quoting('yearless_date', 'change_date', yearless_text,
                '变动日期没有写年份: {value}, 按' || (select case when dated then '填报日期' else '导入日期' end from stg_sheets)
                || '推定为' || strftime(change_date, '%Y-%m-%d') || ', 请核实') end,
            case when month_only_change_date then cv_warn_quoting('month_only_date', 'change_date',
                                                                  coalesce(change_date_text, status_date_text),
                '变动日期只写到月份: {value}, 按该月1日计, 请补全日期') end,
            case when unknown_reg_date then cv_warn_quoting('unknown_value', 'reg_date', reg_date_text, '建档日期无法识别: {value}') end,
            case when month_only_reg_date then cv_warn_quoting('month_only_date', 'reg_date', reg_date_text,
                '建档日期只写到月份: {value}, 按该月1日计, 请补全日期') end,
            case when exit_without_date then cv_warn('exit_without_date', 'change_date', change_date_text,
                '状态为' || status || '但没有填写变动日期, 按底册的填报日期 (没有填报日期的按导入日期) 计为离开') end,
            case when living_contradicts then cv_warn_quoting('contradiction', 'living', living_text,
                '居住情况为{value}, 但特殊困难类别中没有独居: 按类别导入, 请核实') end,
            case when disability_contradicts then cv_warn_quoting('contradiction', 'disability', disability_text,
                '失能程度为{value}, 但特殊困难类别中没有' || disability || ': 按类别导入, 请核实') end,
            case when birth_date_text is not null and birth_contradicts is null
                then cv_warn_quoting('unknown_value', 'birth_date', birth_date_text, '出生日期无法识别: {value}, 以身份证号为准')
                when birth_contradicts
                then cv_warn_quoting('birth_date_mismatch', 'birth_date', birth_date_text,
                    '出生日期 {value} 与身份证号不一致, 以身份证号为准') end,
            case when sex_text is not null and sex_given is null
                then cv_warn_quoting('unknown_value', 'sex', sex_text, '未知的性别: {value}, 以身份证号为准')
                when sex_given <> cv_id_sex(id_number)
                then cv_warn('sex_mismatch', 'sex', sex_text, '性别与身份证号不一致, 以身份证号为准') end,
            case when invalid_phone then cv_warn_quoting('invalid_phone', 'phone', phone_text, '联系' || cv_phone_problem(phone_text)) end,
            -- a person under 60 marked special-difficulty: most likely a relative's ID number typed in the elder's row
            -- (probe Q: a 36-year-old counted in every denominator, without a word); the age, not the number, said
            case when too_young then cv_warn('too_young', 'id_number', null,
                '按身份证号此人现年 ' || cv_age(id_birth_date, cv_today()) || ' 岁, 不满 60 岁, 却标注了特殊困难类别: '
                || '按所填导入, 请核对身份证号是否填成了家属的') end,
            -- tied to one person by the ID number and to one place by the community, the row loads (DESIGN §3: what
            -- rejects a row); rejected, it had taken a living person out of every denominator (review 11a L1)
            case when elder_name is null then cv_warn('name_missing', 'name', null,
                '姓名为空: 按身份证号导入, 请在姓名一栏填写老人姓名') end,
            -- (review 11a L3: loaded as the elder's name without a word; the number itself never quoted)
            case when name_is_number then cv_warn('name_is_number', 'name', null,
                '姓名一栏写的是号码 (可能是身份证号或电话): 按身份证号导入, 请在姓名一栏填写老人姓名') end,
            case when unknown_area_code then cv_warn('unknown_area_code', 'id_number', substr(id_number, 1, 6),
                '身份证号的地区码未知: ' || substr(id_number, 1, 6)) end,
            case when status_in_name then cv_warn_quoting('status_in_name', 'status', name_note,
                '姓名后注明「{value}」, 但在册状态为在册: 按在册导入, 请在状态一栏填写并注明变动日期') end,
            -- the status its words name, not the note (it may say more of the elder: 住院, 病情)
            case when status_in_notes then cv_warn('status_in_notes', 'status', notes_status,
                '备注中写的像是' || notes_status || ', 但在册状态为在册: 按在册导入, 如确已' || notes_status
                || ', 请在状态一栏填写并注明变动日期') end,
            case when status_elsewhere then cv_warn('status_elsewhere', 'status', exit_elsewhere,
                '在册状态为在册, 但' || exit_elsewhere || '日期一栏有日期: 按在册导入, 如确已' || exit_elsewhere
                || ', 请在状态一栏填写') end,
            case when status_by_column then cv_warn('contradiction', 'status', status,
                '在册状态为在册, 但另一栏写明已' || status || ': 按' || status || '导入, 请核实') end
        ], elder_name) else [] end as warnings
    from checked
    cross join stg_sheets sheets
)

select * exclude (reject), reject.reason as reject_reason, reject.field as reject_field
from final
