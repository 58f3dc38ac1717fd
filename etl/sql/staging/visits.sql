-- one row per visit source row: typed, canonical values, warnings, and the first reason it cannot be used
-- (repeats of other rows are found afterwards, by visit_repeats.sql). A visit is rejected only when
-- it names no elder (no usable ID, no name + community), or has no usable date or method (DESIGN §3).

-- A visit file repeats the same elders, staff, dates and words thousands of times:
-- each distinct raw value is cleaned and looked up once, then joined back.
with id_values as (
    select id_raw, case when id_problem is null then id_number end as id_number, id_problem,
           -- an unusable ID links nothing: the visit is linked by name + community instead
           case when id_problem is null then cv_key_part('elder', id_number) end as id_key
    from (
        select id_raw, id_number, case when id_number is not null then cv_id_problem(id_number) end as id_problem
        from (select id_raw, case when cv_clean(id_raw) is not null then cv_id_normalize(id_raw) end as id_number
              from (select distinct id_number as id_raw from src))
    )
),

date_values as (
    -- the day, and the time of day when a column of its own gives it (探访日期 + 探访时间: 9:30, 下午3点,
    -- or the same day's date and time); a time that cannot be read leaves the day alone, and warns
    select *, cv_key_part('at', visit_at) as at_key, visit_time_text is not null and time_at is null as unknown_time,
           -- a day more than a month before or after the month(s) its title, sheet or file names (2026-01-05 in a
           -- 2026年10月 record: a slip of the pen, or of a copy): loaded as written, with a warning
           coalesce(cast(visit_at as date) < cast(left(sheet_month, 7) || '-01' as date) - interval 1 month
                    or cast(visit_at as date) >= cast(right(sheet_month, 7) || '-01' as date) + interval 2 month,
                    false) as far_from_month
    from (
        select *, coalesce(time_at, day_at) as visit_at
        from (
            select visit_date_raw, visit_time_raw, sheet_month, visit_date_text, visit_time_text, day_at,
                   case when visit_time_text is not null and day_at is not null then coalesce(
                       cv_parse_timestamp(strftime(day_at, '%Y-%m-%d') || ' ' || visit_time_text),
                       case when cast(parsed[3] as date) = cast(day_at as date) then parsed[3] end) end as time_at
            from (
                select *, coalesce(parsed[1], parsed[2]) as day_at
                from (
                    -- the date cell, as a day of the sheet's month (9月5日 on a sheet of 2026-10), and the time cell
                    -- alone, parsed by one mention of cv_parse_timestamp: DuckDB plans a macro anew at each
                    -- mention, for every file (five mentions planned in 30 ms of a small file's 110)
                    select visit_date_raw, visit_time_raw, sheet_month, cv_clean(visit_date_raw) as visit_date_text,
                           cv_clean(visit_time_raw) as visit_time_text,
                           list_transform([cv_clean(visit_date_raw),
                                           cv_date_in_month(cv_clean(visit_date_raw), sheet_month),
                                           cv_clean(visit_time_raw)],
                                          lambda cell: cv_parse_timestamp(cell)) as parsed
                    from (select distinct visit_date as visit_date_raw, visit_time as visit_time_raw, sheet_month
                          from src)
                )
            )
        )
    )
),

entry_values as (
    -- 录入时间 / 填报时间 / 创建时间, where an export has one: a value that is no time warns, never rejects
    select entered_raw, cv_clean(entered_raw) as entered_text, cv_parse_timestamp(cv_clean(entered_raw)) as entered_at
    from (select distinct entered_at as entered_raw from src)
),

method_tries as (
    -- a method cell naming several tries (staging/visit_tries.sql): the strongest that did not fail
    select raw, succeeded from stg_tries where field = 'method'
),

outcome_tries as (
    -- an outcome cell whose first try failed and a later one made did not (staging/visit_tries.sql)
    select raw, method, outcome from stg_tries where field = 'outcome'
),

word_values as (
    select *, cv_key_part(field, value) as value_key
    from (
        select w.field, w.raw, cv_clean(w.raw) as text, later.method as later_method, later.outcome as later_outcome,
               said.value as outcome_word,  -- a method cell that names an outcome alone (未遇, 拒访, 正常)
               case
                   when w.field = 'outcome' and cv_word_key(w.raw) is null then '正常'  -- no outcome: it went normally
                   when w.field = 'outcome' then coalesce(m.value, '未知')  -- loads, never qualifies, warns
                   when w.field = 'method' then coalesce(tried.succeeded, m.value)
                   else m.value
               end as value
        from (
            select distinct 'method' as field, method as raw from src
            union select distinct 'outcome', outcome from src
            union select distinct 'resolution', resolution from src
            union select distinct 'referral', referral from src
            union select distinct 'record_status', record_status from src
        ) w
        left join stg_words m on m.field = w.field and m.raw = w.raw
        left join method_tries tried on w.field = 'method' and tried.raw = w.raw
        left join outcome_tries later on w.field = 'outcome' and later.raw = w.raw
        left join value_map said on w.field = 'method' and said.field = 'outcome' and said.synonym = cv_word_key(w.raw)
    )
),

problem_values as (
    -- whether a problem cell says one was found: 是 or 1, or words that name one (燃气管老化); not 否/无, not 正常/
    -- 未发现问题, not a cell of dashes and slashes, not another number (a form's option 2: 否) nor a form's mark for
    -- a question skipped ((跳过)), nor an Excel error (#N/A). It stands for the outcome where none is written.
    select p.raw, coalesce(yes_no.value = '是' or cv_word_key(p.raw) = '1'
                           or (yes_no.value is null and regexp_matches(cv_word_key(p.raw), '\p{L}')
                               and not cv_excel_error(trim(p.raw))
                               and coalesce(said.value, '') <> '正常'), false) as says_problem
    from (select distinct problem as raw from src) p
    left join stg_words yes_no on yes_no.field = 'yes_no' and yes_no.raw = p.raw
    left join stg_words said on said.field = 'outcome' and said.raw = p.raw
),

text_failures as (
    -- a note or account of the visit (备注, 探访情况) that names a failure: what it says, when it is short and says
    -- nothing more (家中无人, 老人拒绝, 电话打了三次都没人接); else only that it mentions one (老人拒绝安装燃气报警器: a
    -- story, not the outcome; 老人能自行外出散步, 子女常去外地: about someone or something else), and the clerk is
    -- asked to check (failure_in_text)
    -- (a word of a failure weaker than 正常, a day off or a plan: 周末常去公园, 已预约上门时间, tells of none)
    select raw,
           case when length(cv_clean(raw)) <= 10 and list_has_all(['未遇', '拒访'], "values") then value end as said,
           list_filter(told, lambda v: v in ('未遇', '拒访'))[1] as mentioned
    from (select w.*, [p.value for p in w.part_values if p.rank < n.rank] as told
          from stg_words w, (select rank from value_rank where field = 'outcome' and value = '正常') n
          where w.field = 'outcome')
    where list_has_any(told, ['未遇', '拒访'])
        and raw in (select notes from src union select findings from src union select resolution from src)
),

failure_values as (
    -- a method cell (上门未遇, 电话无人接听, 上门（拒绝探访）) or a short note that says the visit failed: its outcome
    -- where the row writes none, never a visit (DESIGN §2: 未遇 and 拒访 never count); a longer text that names a
    -- failure counts as written, and the clerk is asked to check (mentioned). A call log's 处理结果 (关机, 无人接听)
    -- is such a note too
    select f.method_raw, f.notes_raw, f.findings_raw, f.resolution_raw,
           coalesce(method_said.value, notes.said, findings.said, resolution.said) as value,
           method_said.value as method_failure,
           coalesce(notes.mentioned, findings.mentioned, resolution.mentioned) as mentioned
    from (select distinct method as method_raw, notes as notes_raw, findings as findings_raw,
                          resolution as resolution_raw from src) f
    left join stg_words method_said
        on method_said.field = 'outcome' and method_said.raw = f.method_raw and method_said.value in ('未遇', '拒访')
        and f.method_raw not in (select raw from method_tries where succeeded is not null)
    left join text_failures notes on notes.raw = f.notes_raw
    left join text_failures findings on findings.raw = f.findings_raw
    left join text_failures resolution on resolution.raw = f.resolution_raw
),

duration_values as (
    -- a call's length (通话时长: 0, 0秒, 00:00:00, 0分0秒): a call of none was not answered, 未遇 where the row writes
    -- no outcome (a call log without a result column had counted every call: review 6, finding 1)
    select raw, regexp_full_match(cv_half_width(trim(raw)),
                                  '0+(\.0+)?\s*(秒|s|sec|secs)?|0{1,2}(:00){1,2}|0+\s*分\s*0+\s*秒') as unanswered
    from (select distinct duration as raw from src)
),

emergency_values as (
    -- whether an emergency cell (是否紧急情况) says there was one: 是, or words that name one (突发疾病送医)
    select e.raw, coalesce(yes_no.value = '是' or (yes_no.value is null and said.value = '紧急'), false)
               as says_emergency
    from (select distinct emergency as raw from src) e
    left join stg_words yes_no on yes_no.field = 'yes_no' and yes_no.raw = e.raw
    left join stg_words said on said.field = 'outcome' and said.raw = e.raw
),

point_values as (
    -- a point written in one cell (经纬度: 117.2031,39.1172; 39.1172, 117.2031; 东经117.2031 北纬39.1172): its two
    -- numbers, the longitude the one past 90 (China lies east of 73°), else the first, as map apps write a point
    -- (lng,lat); a cell of other than two numbers is kept as the latitude's text, which then warns (bad_coordinates)
    select raw,
           case when len(n) <> 2 then cv_clean(raw) when lng_second then n[1] else n[2] end as latitude_text,
           case when len(n) = 2 then case when lng_second then n[2] else n[1] end end as longitude_text
    from (select raw, n, len(n) = 2 and abs(n[2]::double) > 90 and abs(n[1]::double) <= 90 as lng_second
          from (select raw, regexp_extract_all(cv_half_width(raw), '-?\d+(?:\.\d+)?') as n
                from (select distinct position as raw from src)))
),

name_values as (
    -- the elder's name (cv_person_name) and the visitor's as written, of each distinct name: several visitors in one
    -- cell (王丽 张强, 刘洋/陈静) kept apart, 王丽、张强, not run together as one name (王 丽 is one); a phone number
    -- written after a visitor's name (探访人及电话: 张强13800000000) not kept with it
    select raw, text, cv_person_name(raw) as person, cv_key_part('visitor', coalesce(text, '')) as visitor_key,
        -- names one under the other in the cell (Alt+Enter): several people, never one called 施淑珍张淑芬
        coalesce(regexp_full_match(raw, '\s*\p{Han}{2,4}(\s*[\r\n]\s*\p{Han}{2,4})+\s*'), false) as several
    from (select distinct raw, case
              when cv_excel_error(trim(raw)) then null  -- (#N/A: no one's name)
              when regexp_full_match(trim(named), '\p{Han}{2,4}([\s　、,，/／;；]+\p{Han}{2,4})+')
                  then array_to_string(regexp_split_to_array(trim(named), '[\s　、,，/／;；]+'), '、')
              else nullif(cv_squeeze(named), '') end as text
          from (select raw, regexp_replace(raw, '[\s　(（:：,，/／、;；]*\+?\d[\d\s-]{5,}\d[)）]?', ' ', 'g') as named
                from (select name as raw from src union select visitor from src)))
),

source as (
    select
        r.src_id,
        r.row_number,
        i.id_number,
        i.id_problem,
        elder.person as elder_name,
        elder.several as several_names,
        d.visit_date_text,
        d.visit_at,
        d.visit_time_text,
        d.unknown_time,
        d.far_from_month,
        method.text as method_text,
        method.outcome_word as method_outcome_word,
        -- a home visit whose outcome cell says the elder was not seen at home (隔门问候, 楼下遇见: probe 31 H1, counted
        -- as home visits) is the method that cell names
        coalesce(outcome.later_method,
                 case when method.value = '上门' and outcome_method.value = '路遇' then '路遇' end,
                 method.value) as method,
        outcome.text as outcome_text,
        -- the outcome cell's value, or its later try's where its first failed (outcome_tries)
        coalesce(outcome.later_outcome, outcome.value) as outcome_value,
        -- the outcome other cells say, where the outcome cell says none, or says less (发现问题 beside an emergency)
        case when (outcome.text is null or outcome_value = '发现问题') and emergency.says_emergency then '紧急'
             when outcome.text is null and problem.says_problem then '发现问题'
             when outcome.text is null then coalesce(failed.value, case when duration.unanswered then '未遇' end)
        end as said_outcome,
        -- 正常 written beside a problem or an emergency written in its own column (发现问题, 是否紧急情况: DESIGN §3
        -- lists both as a visit's own fields; templates keep 探访结果 for whether the elder was met: 正常 | 未遇 | 拒访)
        -- is that problem or emergency, with a warning: an emergency written down is never dropped (probe O: a gas
        -- leak beside 正常 had left a high-risk elder 低 and unvisited for 12 days unseen). The visit's key keeps
        -- the outcome as written, as rows loaded before this reading were keyed (a re-sent export repeats them)
        coalesce(outcome.text is not null and outcome_value = '正常' and problem.says_problem, false) as outcome_contradicts,
        coalesce(outcome.text is not null and outcome_value = '正常' and emergency.says_emergency, false)
            as emergency_contradicts,
        case when emergency_contradicts then '紧急' when outcome_contradicts then '发现问题'
             else coalesce(said_outcome, outcome_value) end as outcome,
        -- 正常 written beside a method cell whose every try failed (上门未遇 | 正常): loaded as written, with a warning
        coalesce(outcome.text is not null and outcome_value = '正常' and failed.method_failure is not null, false)
            as method_contradicts,
        case when outcome.text is null and failed.value is null and not problem.says_problem then failed.mentioned end
            as failure_mentioned,
        visitor.text as visitor_name,
        nullif(r.visitor_role, '') as visitor_role,
        nullif(r.findings, '') as findings,
        nullif(r.problem, '') as problem,
        nullif(r.action, '') as action,
        nullif(r.referral, '') as referral,
        nullif(r.emergency, '') as emergency,
        resolution.text as resolution_text,
        resolution.value as resolution_value,
        -- 处置结果 as written: handled, not (yet) handled (unrecognised words too), or nothing written
        case when resolution.text is not null then coalesce(resolution.value, '未解决') end as resolution,
        coalesce(referral.value = '转介', false) as is_referred,
        -- a record its system cancelled or voided (已取消, 作废, 审核不通过): no visit took place. Any other state
        -- (已完成, 待审核, words of the elder's state in a column named 状态) loads the visit as written
        case when record_status.value = '作废' then record_status.text end as void_status,
        e.entered_text,
        case when year(e.entered_at) between 2000 and 2100 then e.entered_at end as entered_at,
        coalesce(cv_clean(r.latitude), point.latitude_text) as latitude_text,
        coalesce(cv_clean(r.longitude), point.longitude_text) as longitude_text,
        p.community_code,
        p.street_code,
        p.place_problem,
        p.place_field,
        -- the dedup key from the parts' keys, each looked up with its value (cv_visit_key per row)
        xor(xor(xor(xor(coalesce(i.id_key, cv_key_part('elder', elder.person || '@' || p.community_code)),
                        d.at_key), method.value_key), visitor.visitor_key),
            case when said_outcome is null then outcome.value_key else cv_key_part('outcome', said_outcome) end)
            as dedup_key
    from src r
    join stg_places p
        on p.district_raw is not distinct from r.district
        and p.street_raw is not distinct from r.street
        and p.community_raw is not distinct from r.community
    join id_values i on i.id_raw is not distinct from r.id_number
    join date_values d on d.visit_date_raw is not distinct from r.visit_date
        and d.visit_time_raw is not distinct from r.visit_time and d.sheet_month is not distinct from r.sheet_month
    join entry_values e on e.entered_raw is not distinct from r.entered_at
    join word_values method on method.field = 'method' and method.raw is not distinct from r.method
    join word_values outcome on outcome.field = 'outcome' and outcome.raw is not distinct from r.outcome
    left join stg_words outcome_method on outcome_method.field = 'method' and outcome_method.raw = r.outcome
    join word_values resolution on resolution.field = 'resolution' and resolution.raw is not distinct from r.resolution
    join word_values referral on referral.field = 'referral' and referral.raw is not distinct from r.referral
    join word_values record_status
        on record_status.field = 'record_status' and record_status.raw is not distinct from r.record_status
    join problem_values problem on problem.raw is not distinct from r.problem
    join emergency_values emergency on emergency.raw is not distinct from r.emergency
    join duration_values duration on duration.raw is not distinct from r.duration
    join failure_values failed on failed.method_raw is not distinct from r.method
        and failed.notes_raw is not distinct from r.notes and failed.findings_raw is not distinct from r.findings
        and failed.resolution_raw is not distinct from r.resolution
    join name_values elder on elder.raw is not distinct from r.name
    join point_values point on point.raw is not distinct from r.position
    join name_values visitor on visitor.raw is not distinct from r.visitor
),

mapped as (
    select
        s.*,
        cast(s.visit_at as date) as visit_date,
        -- a coordinate as systems write it: 39.1167, N39.1167, 北纬39.1167, 39.1167°N
        try_cast(regexp_replace(s.latitude_text, '^(北纬|[Nn])\s*|\s*[°度]?\s*[Nn]?$', '', 'g') as double) as latitude,
        try_cast(regexp_replace(s.longitude_text, '^(东经|[Ee])\s*|\s*[°度]?\s*[Ee]?$', '', 'g') as double) as longitude,
        -- a position that can be used: on the globe, and not 0, 0 (a device without a fix)
        coalesce(latitude between -90 and 90 and longitude between -180 and 180
                 and not (latitude = 0 and longitude = 0), false) as has_position
    from source s
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
        resolution,
        is_referred,
        case when has_position then latitude end as latitude,
        case when has_position then longitude end as longitude,
        entered_at,
        dedup_key,
        street_code,
        case
            -- (its reason begins as ingest.VOID: kept aside with nothing to fix)
            when void_status is not null
                then {'reason': '记录未完成、已取消或作废, 不算探访: ', 'quoted': void_status, 'field': 'record_status'}
            when id_number is null and id_problem is not null and (elder_name is null or community_code is null)
                then {'reason': id_problem, 'quoted': null, 'field': 'id_number'}
            when id_number is null and place_problem is not null
                then {'reason': '', 'quoted': place_problem, 'field': place_field}
            when id_number is null and (elder_name is null or community_code is null)
                then {'reason': '缺少身份证号, 且姓名或社区为空, 无法确定是哪位老人', 'quoted': null, 'field': 'id_number'}
            -- a visit of several elders on one row (李忠庆、孙文): a row per elder, as a visit record has it
            when id_number is null and (several_names
                                        or regexp_full_match(elder_name, '\p{Han}{2,4}(\s*[、,，;；/／]\s*\p{Han}{2,4})+'))
                then {'reason': '一格里写了几位老人的姓名, 无法确定是哪位老人: 请每位老人写一行', 'quoted': null,
                      'field': 'name'}
            when visit_date_text is null then {'reason': '探访日期为空', 'quoted': null, 'field': 'visit_date'}
            -- only a month (2026年10月, 2026.10): a visit is a day
            when visit_at is null and regexp_full_match(cv_half_width(visit_date_text),
                                                        '\s*(19|20)\d\d\s*(年\s*\d{1,2}\s*月份?|[./-]\s*\d{1,2})\s*')
                then {'reason': '探访日期只写到月份, 请写明是哪一天: ', 'quoted': visit_date_text, 'field': 'visit_date'}
            -- several days in one cell (10月5日-10月6日, 10月5日、10月20日, 10.12-10.13): a visit is one day
            when visit_at is null and (regexp_matches(cv_half_width(visit_date_text),
                    '\d\s*[日号]?\s*[-~～至到—、,，]\s*(\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]'
                    || '|\d[./]\d{1,2}\s*[-~～至到—、,，]\s*\d{1,2}[./]\d{1,2}')
                    -- two whole dates however apart (2026-10-03,2026-10-17; 10月3日 10月20日; one under the other)
                    or len(regexp_extract_all(cv_half_width(visit_date_text),
                                              '(19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}'
                                              || '|\d{1,2}\s*月\s*\d{1,2}\s*[日号]')) >= 2)
                then {'reason': '一格里写了几个日期或一段日期, 无法确定探访日期 (每次探访写一行, 写一个日期): ',
                      'quoted': visit_date_text, 'field': 'visit_date'}
            when visit_at is null and regexp_matches(cv_half_width(visit_date_text), '^\d{1,2}\s*月\s*\d{1,2}\s*[日号]?')
                then {'reason': '探访日期没有年份: ', 'quoted': visit_date_text, 'field': 'visit_date'}
            -- 10/05/2026: 5 October or 10 May, never guessed
            when visit_at is null and cv_date_readings(visit_date_text) is not null
                then {'reason': '探访日期分不清哪个是月、哪个是日 (可能是' || cv_date_readings(visit_date_text)
                                || '), 请按 年-月-日 写: ', 'quoted': visit_date_text, 'field': 'visit_date'}
            -- 26.10.5, 5/10/26: a year of two digits is never guessed (review 12 L3; a cast reads 26.10.5 as the year 26)
            when (visit_at is null or year(visit_at) < 100) and regexp_full_match(cv_half_width(visit_date_text),
                    '\s*(\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2}'
                    -- (and Excel's d-mmm-yy, 5-Oct-26: probe 31 M8, said to be unreadable)
                    || '|\d{1,2}\s*[-/ ]\s*[A-Za-z]{3,9}\.?\s*[-/ ]\s*\d{2})'
                    || '\s*[日号]?(\s.*)?')
                then {'reason': '探访日期的年份只写了两位, 请写四位 (如 2026-10-05): ', 'quoted': visit_date_text,
                      'field': 'visit_date'}
            when visit_at is null or year(visit_at) not between 2000 and 2100
                then {'reason': '探访日期无法识别: ', 'quoted': visit_date_text, 'field': 'visit_date'}
            when cast(visit_at as date) > current_date
                then {'reason': '探访日期在今天之后: ', 'quoted': visit_date_text, 'field': 'visit_date'}
            when method_text is null then {'reason': '探访方式为空', 'quoted': null, 'field': 'method'}
            when method is null and regexp_full_match(method_text, '-?\d{1,2}')
                then {'reason': '探访方式是数字, 不是文字 (问卷平台请按选项文本导出): ', 'quoted': method_text,
                      'field': 'method'}
            -- 未遇 in the method column (a form's one question for how it went): no method, said so
            when method is null and method_outcome_word is not null
                then {'reason': '探访方式一栏只写了探访结果, 没有写怎样探访的 (上门、电话、视频等), 请补写探访方式: ',
                      'quoted': method_text, 'field': 'method'}
            -- (its reason begins as etl.reasons.UNKNOWN_METHOD: the Data page lists the method among 未识别的值)
            when method is null then {'reason': '未知的探访方式: ', 'quoted': method_text, 'field': 'method'}
        end as reject,  -- the first reason the row cannot be used (the cell it quotes masked below), the field at fault
        case when id_problem is not null or place_problem is not null or outcome = '未知'
                  or (resolution_text is not null and resolution_value is null)
                  or latitude_text is not null or longitude_text is not null
                  or (entered_text is not null and entered_at is null) or unknown_time or outcome_contradicts
                  or emergency_contradicts or method_contradicts or far_from_month
                  or failure_mentioned is not null
        then cv_warnings([
            case when id_problem is not null then cv_warn('unusable_id', 'id_number', null,
                id_problem || ', 按姓名和社区关联') end,
            case when place_problem is not null and id_number is not null then cv_warn('place_by_id', 'community',
                null, cv_mask_quoted(place_problem, elder_name) || ' (按身份证号关联)') end,
            case when outcome = '未知' then cv_warn_quoting('unknown_value', 'outcome', outcome_text,
                '未知的探访结果: {value}, 不计为有效探访') end,
            case when resolution_text is not null and resolution_value is null then cv_warn_quoting('unknown_value',
                'resolution', resolution_text, '未知的处置结果: {value}, 按未解决计') end,
            case when (latitude_text is not null or longitude_text is not null) and not has_position
                 then cv_warn('bad_coordinates', 'latitude', concat_ws(', ', latitude_text, longitude_text),
                    '经纬度无效, 已忽略') end,
            case when entered_text is not null and entered_at is null then cv_warn_quoting('bad_entry_time',
                'entered_at', entered_text, '录入时间无法识别: {value}, 已忽略') end,
            case when far_from_month then cv_warn_quoting('date_outside_month', 'visit_date', visit_date_text,
                '探访日期 {value} 与标题、表名或文件名所写的月份相差一个月以上, 按所写日期导入, 请核实是否写错') end,
            case when unknown_time and visit_at is not null then cv_warn_quoting('unknown_value', 'visit_time',
                visit_time_text, '探访时间无法识别: {value}, 只按日期导入') end,
            -- what was found is not quoted: it may be about the elder's health
            case when outcome_contradicts then cv_warn_quoting('problem_contradiction', 'outcome', outcome_text,
                '探访结果为{value}, 但发现问题一栏写有问题: 按发现问题计, 请核实') end,
            case when emergency_contradicts then cv_warn_quoting('problem_contradiction', 'outcome', outcome_text,
                '探访结果为{value}, 但紧急情况一栏写有紧急情况: 按紧急情况计, 请核实') end,
            case when method_contradicts then cv_warn_quoting('method_contradiction', 'outcome', method_text,
                '探访方式写的是「{value}」, 探访结果却是正常: 按正常导入, 计为有效探访, 请核实') end,
            -- nor is the text that names the failure
            case when failure_mentioned is not null then cv_warn('failure_in_text', 'outcome', failure_mentioned,
                '探访情况或备注中写的像是' || failure_mentioned || ', 但没有写探访结果: 按正常探访计, 请核实; 如确为'
                || failure_mentioned || ', 请在探访结果一栏写明') end
        ], elder_name) else [] end as warnings
    from mapped
)

-- the quoted cell masked once here, not in each reason (a macro's every use is planned anew for every file)
select * exclude (reject), reject.reason || coalesce(cv_mask_quoted(reject.quoted, elder_name), '') as reject_reason,
       reject.field as reject_field
from final
