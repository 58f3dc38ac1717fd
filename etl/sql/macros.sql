-- Cleaning and parsing macros, created as temporary macros in every connection.

-- An online form's mark for a question not answered (问卷星 writes (跳过) where its logic skipped the question, (空)
-- where nothing was written): a blank cell, in every column
create or replace temp macro cv_unanswered(s) as trim(s) in ('(跳过)', '（跳过）', '(空)', '（空）');
-- An Excel error value (a formula that failed: a VLOOKUP that found nothing is #N/A), as a workbook's error cell is read
-- and as a CSV saved from one writes it: no value anyone wrote. A name (cv_person_name), a visitor or a problem cell
-- holding one is empty; a word cell (a category, an outcome) one the mappings do not know, warned as such; and the load says which
-- rows hold them (etl/ingest.py _formula_error_notes)
create or replace temp macro cv_excel_error(s) as
    s in ('#N/A', '#REF!', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!', '#CALC!', '#GETTING_DATA',
          '#FIELD!', '#BLOCKED!', '#CONNECT!', '#BUSY!', '#UNKNOWN!', '#N/A!');
-- Trim ordinary and full-width (U+3000) spaces; empty (or unanswered) becomes null. trim/replace rather than
-- regular expressions: this runs on every cell of every file.
create or replace temp macro cv_clean(s) as
    case when cv_unanswered(s) then null else nullif(trim(trim(s), '　'), '') end;
-- A roster's status as one cell of status words: the status column and the reason column beside it (状态 注销,
-- 注销原因 死亡: 注销、死亡, read as 死亡; a reason column alone is the status)
create or replace temp macro cv_status_cell(status, reason) as nullif(concat_ws('、', cv_clean(status), cv_clean(reason)), '');

-- Remove every space inside a value (names, ID numbers): ordinary, full-width, tabs and line breaks, and
-- the no-break and zero-width spaces, joiners and soft hyphens that web systems' exports and copied cells carry, and
-- a NUL a broken export leaves in a cell (测试\0甲 is 测试甲, so that a visit by name finds them).
-- (replace, one character each: faster than one translate)
create or replace temp macro cv_squeeze(s) as
    nullif(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        s, ' ', ''), '　', ''), chr(9), ''), chr(10), ''), chr(13), ''), chr(160), ''), chr(8203), ''), chr(65279), ''),
        chr(0), ''), chr(173), ''), chr(8204), ''), chr(8205), ''), chr(8288), ''), '');

-- Words as people write them, compared after normalising: full-width forms made half-width (the
-- NFKC forms of ASCII; etl/mappings.py header_key does the same for headers), spaces removed,
-- lower case. cv_word_core also drops bracketed notes: 失能老人（完全失能） -> 失能老人.
create or replace temp macro cv_half_width(s) as
    translate(s, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
                 '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ');
-- The value a cell's parts name, of a list of {'rank', 'position', 'value'}: the strongest, the lowest rank, the
-- first of equals (入户+电话 is a home visit); but a part of rank 0 (keywords.csv: 未入户, 隔门) undoes a home visit,
-- not another kind (上门未入户 is met at the door, 电话，未入户 a call; probe 31 H1). staging/words.sql's cells and
-- staging/visit_tries.sql's tries alike.
create or replace temp macro cv_strongest(parts) as list_transform([list_sort(parts)], lambda ranked: coalesce(
    case when coalesce(list_filter(ranked, lambda p: p.rank > 0)[1].value, '上门') = '上门'
         then list_filter(ranked, lambda p: p.rank = 0)[1].value end,
    list_filter(ranked, lambda p: p.rank > 0)[1].value))[1];
create or replace temp macro cv_word_key(s) as
    case when cv_unanswered(s) then null else nullif(lower(regexp_replace(cv_half_width(s), '\s+', '', 'g')), '') end;
create or replace temp macro cv_word_core(s) as
    coalesce(nullif(regexp_replace(cv_word_key(s), '\([^()]*\)|\[[^\]]*\]|【[^】]*】', '', 'g'), ''), cv_word_key(s));

-- A literal text as a regular expression that matches it (keywords from the mapping files).
create or replace temp macro cv_regex_escape(s) as regexp_replace(s, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g');

-- Suffix-insensitive key of a street or community name: 劝业场街 = 劝业场街办 = 劝业场街道, 滨西 = 滨西居委 = 滨西社区居委会.
-- The one list of place-name suffixes: file matching, shape matching and short names use it.
-- A level written in brackets counts as the suffix (滨西（社区）, 花园路社区(居委会)); a name of levels only
-- (社区(村), a header's words) is kept as it is. The name is bound once (a lambda over a one-element list)
-- and the list written out in each pattern: a macro's every use is bound anew, for every file.
create or replace temp macro cv_place_key(s) as
    list_transform([replace(replace(cv_squeeze(s), '（', '('), '）', ')')], lambda n: regexp_replace(
        case
            when regexp_full_match(n, '(街道办事处|街道|街办|办事处|街|社区居民委员会|社区居委会|居民委员会|居委会|社居委|居委|社区|村民委员会|村委会|村)*\((街道办事处|街道|街办|办事处|街|社区居民委员会|社区居委会|居民委员会|居委会|社居委|居委|社区|村民委员会|村委会|村)\)') then n
            else regexp_replace(n, '(街道办事处|街道|街办|办事处|街|社区居民委员会|社区居委会|居民委员会|居委会|社居委|居委|社区|村民委员会|村委会|村)?\((街道办事处|街道|街办|办事处|街|社区居民委员会|社区居委会|居民委员会|居委会|社居委|居委|社区|村民委员会|村委会|村)\)$', '')
        end,
        '(街道办事处|街道|街办|办事处|街|社区居民委员会|社区居委会|居民委员会|居委会|社居委|居委|社区|村民委员会|村委会|村)$', ''))[1];

-- A district's key without the city (and province) written before it: 天津市和平区 = 和平区 = 和平.
-- The levels written before a place, as online forms' cascades write them apart (天津市/和平区/小白楼街道/树德里社区,
-- 和平区民政局/劝业场街道/…): the last of them, the level just above the place (the text as it is when nothing
-- separates its levels: 和平区劝业场街道)
create or replace temp macro cv_path_last(s) as
    regexp_extract(regexp_replace(s, '[-/—–>·|、,]+$', ''), '[^-/—–>·|、,]*$');
create or replace temp macro cv_district_key(s) as
    regexp_replace(regexp_replace(cv_squeeze(s), '^(.{2,}?省)?.{2,}?市(.{2,})$', '\2'), '(区|县|市)$', '');

-- The name a division is shown by: its name without its level's suffix (和平区 -> 和平), or the
-- whole name when that is all there is.
create or replace temp macro cv_short_name(s, level) as
    coalesce(nullif(case when level = 'district' then cv_district_key(s) else cv_place_key(s) end, ''), s);

-- A date (and time) written with separators, once cv_parse_timestamp's faster forms have failed
-- (2026 年 5 月 3 日 and 2026.05.03. too: spaces around the separators, one after the day; 2026年10月5日10:30).
create or replace temp macro cv_date_text(s) as
    rtrim(trim(regexp_replace(regexp_replace(regexp_replace(s, '\s*[年月/.\-]\s*', '-', 'g'), '[日号]', ' ', 'g'),
                              '\s+', ' ', 'g')), '-');
-- (and a month by its English name: Oct 5, 2026; Oct 5 2026; 5-Oct-2026, as English-language exports write it; and
-- Java's Date as text, Mon Oct 05 10:30:00 CST 2026, China Standard Time: probe 31 M8)
create or replace temp macro cv_parse_dashed(s) as
    try_strptime(cv_date_text(s), ['%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S.%f',
                                   '%b %d, %Y', '%d-%b-%Y', '%B %d, %Y', '%d %b %Y', '%b %d %Y', '%B %d %Y',
                                   '%a %b %d %H:%M:%S CST %Y']);

-- A time of day in a clerk's words: 9点30分 / 9时30分 / 9点半 / 3点 as 9:30 / 3:00, 下午3点 as 3:00 PM; 上午,
-- 中午, 左右, the weekday Excel's long date format adds (星期日, 周日) and a full stop dropped (the day alone
-- when no time is left). One copy of the cell in the expression: a macro's every use is bound anew.
create or replace temp macro cv_clock_text(s) as regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(replace(s, '：', ':'),
                                                 '[（(]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[）)]?|。|左右|许', ' ', 'g'),
                                  '(\d{1,2})\s*[时点:]\s*半', '\1:30', 'g'),
                   '(\d{1,2})\s*[时点]\s*(\d{1,2})\s*分?', '\1:\2', 'g'),
    '(\d{1,2})\s*[时点]', '\1:00', 'g'),
    '(\d)分', '\1', 'g'),
    '(下午|晚上|傍晚|晚)\s*(\d{1,2}:\d{2}(:\d{2})?)', ' \2 PM', 'g'),
    '(上午|早上|早晨|凌晨|中午|下午|晚上|傍晚|晚间|夜间|[晚早夜]$)', ' ', 'g');
create or replace temp macro cv_parse_clock(s) as
    try_strptime(cv_date_text(cv_clock_text(s)),
                 ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %I:%M %p', '%Y-%m-%d %I:%M:%S %p',
                  '%Y-%m-%d %H:%M PM', '%Y-%m-%d %H:%M:%S PM']);

-- The note a clerk put in brackets after a name (张三（已故）, 李四(迁出)): its text, else null.
create or replace temp macro cv_name_note(s) as
    nullif(trim(regexp_extract(cv_squeeze(s), '[（(]([^（）()]+)[）)]\s*$', 1)), '');
-- A cell that is a subtotal or total of the rows above it (小计：10人次, 合计 3, 总计), wherever in its row it stands:
-- no one's name (cv_person_name), and a row that holds one no data (etl/ingest.py _not_data)
create or replace temp macro cv_subtotal(s) as regexp_matches(s, '^[\s　]*(小|合|总)[\s　]*计[\s　]*([:：]|\d|$)');
-- An elder's name as stored and compared (a visit without an ID links by it): without spaces and without the note
-- after it (张三（已故） is 张三; a person's name holds no brackets), the dot of a transliterated name as one (阿不都.热合曼,
-- 艾尔肯•吐尔逊, 古丽・阿不都 and 热依拉．买买提 as typed by other input methods are written with ·), and without a phone
-- or ID number typed after it (张三 13812345678: it had been stored in the name, and the name linked no visit). The
-- name is bound once (a one-element list). So are an ID number and a phone typed after it with their labels (周淑华，
-- 身份证120101…，电话139…: review 17 L5, the visit had linked nobody).
create or replace temp macro cv_person_name(s) as
    -- a subtotal in the name's column (小计：10人次, under a date and a community merged down the block) is no one
    case when not cv_excel_error(trim(s)) and not cv_subtotal(s) then list_transform(
        [translate(regexp_replace(cv_squeeze(s),
                                  '([^\d\s，,；;、/:：])(?:[\s，,；;、/]*(?:身份证号码|身份证号|身份证|证件号码|证件号|电话号码|电话|'
                                  || '手机号码|手机号|手机|联系电话|联系方式)?[:：]?\s*\d[\d\s\-]{5,}\d[Xx]?)+[\s，,；;。]*$', '\1'),
                   '.．•・‧∙⋅', '·······')],
        lambda n: case when ends_with(n, ')') or ends_with(n, '）')
            then coalesce(nullif(regexp_replace(n, '[（(][^（）()]+[）)]$', ''), ''), n) else n end)[1] end;

-- A name as a visit or a contact list without an ID number is linked by (marts/elder_name_keys.sql): a transliterated
-- name without its dot, since a roster, a visit and a contact list each may write it with (阿依古丽·买买提) or without
-- (阿依古丽买买提, as a clerk types it).
create or replace temp macro cv_name_undotted(name) as replace(name, '·', '');

-- A date written in Chinese numerals, as Excel's and WPS's Chinese date formats show it (二〇二六年十月五日,
-- 二〇二六年十月五日星期一) and a CSV saved from them keeps it, and a time so (下午两点): in Arabic digits
-- (2026年10月5日, 下午2点). The weekday goes first, so that its 一 is not taken for a digit.
create or replace temp macro cv_arabic_numerals(s) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        translate(regexp_replace(regexp_replace(s, '[（(]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[）)]?', ' ', 'g'),
                                 '两(\s*[点时])', '2\1', 'g'),
                  '〇零○一二三四五六七八九', '000123456789'),
        '(\d)十(\d)', '\1\2', 'g'), '(\d)十', '\1' || '0', 'g'), '十(\d)', '1\1', 'g'), '十', '10', 'g');

-- A slash date whose month and day are one number (10/10/2026, 01/1/2026 09:00) with its year first, as dashes
-- write it (2026-10-10 09:00): it is the same day whichever of the two is the month.
create or replace temp macro cv_slash_date_same_either_way(s) as case
    when try_cast(regexp_extract(s, '^(\d{1,2})[/.-]\d{1,2}[/.-](19|20)\d\d\b', 1) as integer)
         = try_cast(regexp_extract(s, '^\d{1,2}[/.-](\d{1,2})[/.-](19|20)\d\d\b', 1) as integer)
    then regexp_replace(s, '^(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\b', '\3-\1-\2') else s end;

-- The two days a slash date whose month and day could be either way round may be (10/05/2026, 05.10.2026: 2026年10月5日
-- or 2026年5月10日), in words, for the reason that rejects it (a day is never guessed); else null.
create or replace temp macro cv_date_readings(s) as case
    when regexp_matches(cv_half_width(s), '^\s*0?([1-9]|1[0-2])\s*[/.-]\s*0?([1-9]|1[0-2])\s*[/.-]\s*(19|20)\d\d\b')
    then regexp_replace(cv_half_width(s), '^\s*0?(\d{1,2})\s*[/.-]\s*0?(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)\b.*$',
                        '\3年\1月\2日, 也可能是\3年\2月\1日') end;

-- A date cell's text in half-width characters (２０２６年１０月５日, 2026－10－09) without a note in brackets after it (（周三）,
-- (补录)), and of a time range (9:00~9:30, 14:00至15:00, 9点-10点) its start; without the zero-width characters and quotes a
-- copied cell starts with, and a date whose parts a clerk's keyboard joined with 、 ， — – or 。 (2026、9、5, 2026。10。26)
-- joined with -. A day and a month before the year with slashes (an English-language system's or Excel's export,
-- 10/13/2026 2:30 PM, review 2026-12-04) where only one of the two can be the month (10/05/2026 is 5 October or 10 May:
-- never guessed, rejected naming both readings, cv_date_readings) or the two are one number (10/10/2026, 1/1/2026: the
-- same day either way round); its PM written as 下午 is (a timestamp's cast reads 2:30 PM as 2:30), its AM dropped (12:15
-- AM is 00:15). A day's 24:00 (24点) is its last minute, 23:59, not the next day's first, which a timestamp's cast makes
-- it: a late call counts for the day its clerk wrote (review 12 L2).
create or replace temp macro cv_date_cell(s) as
    trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(
        cv_slash_date_same_either_way(regexp_replace(cv_half_width(s), '^[\s\x{200B}\x{FEFF}''‘’`]+', '')),
        '([日号\d])(?:\s*|T)24\s*[:点时]\s*(00?)?\s*分?(\s*:\s*00)?\s*$', '\1 23:59'),
        '(\d{1,2}:\d\d(?::\d\d)?)\s*[Pp]\.?[Mm]\.?\s*$', '下午\1'),
        '\b12(:\d\d(?::\d\d)?)\s*[Aa]\.?[Mm]\.?\s*$', '00\1'), '\s*[Aa]\.?[Mm]\.?\s*$', ''),
        '^(?:(0?[1-9]|1[0-2])[/.-](1[3-9]|2\d|3[01])|(1[3-9]|2\d|3[01])[/.-](0?[1-9]|1[0-2]))[/.-]((?:19|20)\d\d)\b',
        '\5-\1\4-\2\3'),
        '^((?:19|20)\d\d)\s*[、,。—–‐‑‒―_]\s*(\d{1,2})\s*[、,。—–‐‑‒―_]\s*(\d{1,2})', '\1-\2-\3'),
        '\s*\([^()]*\)\s*$', ''),
        '^(.*?\d{1,2}\s*[:点时]\s*\d{0,2}\s*分?)\s*(~|至|到|-|—|–)\s*\S.*$', '\1'));

-- Dates in the forms bureaus send: 2023.8.5, 2023年8月5日, 2023/8/5, 20230805, 2023-08-05 14:30,
-- Excel serial numbers (45123 or 45123.5) and date cells (written by the reader as ISO text).
create or replace temp macro cv_parse_timestamp_text(s) as coalesce(
    try_cast(s as timestamp),
    case
        when s is null then null
        when regexp_full_match(s, '[1-9]\d{4}(\.\d+)?')
            then timestamp '1899-12-30' + to_microseconds(cast(round(cast(s as double) * 86400e6) as bigint))
        -- (with the .0 of a number a system wrote it as: 20261103.0)
        when regexp_full_match(s, '(19|20)\d{6}(\.0+)?')
            then try_strptime(left(s, 8), '%Y%m%d')
        -- a platform's time as the seconds or milliseconds since 1970 in UTC (1791167400, 1791167400000): Beijing
        -- time, the day a street counts in
        when regexp_full_match(s, '1\d{9}(\d{3})?')
            then timestamp '1970-01-01 08:00:00'
                 + to_microseconds(cast(s as bigint) * case when length(s) = 13 then 1000 else 1000000 end)
        -- a system's compact time stamp: 20261005103000, 202610051030, 20261005 0930 (review 12 M4), 20261005 09:30
        when regexp_full_match(s, '(19|20)\d{10}(\d{2})?')
            then try_strptime(s, ['%Y%m%d%H%M%S', '%Y%m%d%H%M'])
        when regexp_full_match(s, '(19|20)\d{6}\s+(\d{4}(\d{2})?|\d{1,2}:\d{2}(:\d{2})?)')
            then try_strptime(regexp_replace(s, '\s+', ' '),
                              ['%Y%m%d %H%M%S', '%Y%m%d %H%M', '%Y%m%d %H:%M:%S', '%Y%m%d %H:%M'])
        -- then a time of day or a weekday in words (2024年5月3日 上午, 下午3点, 9点30分, 星期日)
        -- in Chinese numerals (二〇二六年十月五日), then read as the same date in digits
        when regexp_matches(s, '[〇零○一二三四五六七八九十两]') then cv_parse_clock(cv_arabic_numerals(s))
        else coalesce(cv_parse_dashed(s), cv_parse_clock(s))
    end);

create or replace temp macro cv_parse_timestamp(s) as case
    -- a system's time in UTC or with its offset (2026-10-04T16:30:00Z, …+00:00): Beijing time, the day a
    -- street counts in
    -- (an offset only after the seconds, and a negative one only after a T: 2026-10-05 10:00-10:30 and
    -- 10:00:00-10:30 are time ranges, cv_date_cell)
    -- (UTC and GMT written out as Z; an offset of hours alone, +00, as PostgreSQL writes one: probe 31 H2, both had
    -- been read as Beijing time)
    when regexp_full_match(s, '\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|UTC|GMT)'
                              || '|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?\s*\+\d\d(:?\d\d)?'
                              || '|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?-\d\d(:?\d\d)?')
        -- (a day or hour that does not exist, 2026-02-30 10:00Z: no time, as any cell that cannot be read)
        then try_cast(regexp_extract(s, '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?') as timestamp)
             + interval 8 hour
             - case when regexp_matches(s, '(Z|UTC|GMT)$') then interval 0 minute
                    else to_minutes(cast(regexp_extract(s, '([+-])(\d\d):?(\d\d)?$', 1) || '1' as integer)
                                    * (60 * cast(regexp_extract(s, '([+-])(\d\d):?(\d\d)?$', 2) as integer)
                                       + coalesce(try_cast(regexp_extract(s, '([+-])(\d\d):?(\d\d)?$', 3)
                                                           as integer), 0))) end
    -- the common ISO forms, fast; else the cell's date part, bound once as a one-element list (each mention of a
    -- macro's parameter copies the whole expression given for it, here 10 times over: see cv_mask_digits). A cell
    -- with an m (2026-10-10 2:30 PM) takes the long way: the cast reads 2:30 PM as 2:30, cv_date_cell as 下午2:30;
    -- one with a 24: too (the cast reads 2026-10-05 24:00 as the 6th).
    else coalesce(try_cast(case when not contains(lower(s), 'm') and not contains(s, '24:') then s end as timestamp),
                  list_transform([cv_date_cell(s)], lambda day: cv_parse_timestamp_text(day))[1])
end;

create or replace temp macro cv_parse_date(s) as list_transform([cv_parse_timestamp(s)],  -- parsed once
    lambda t: case when year(t) between 1900 and 2100 then cast(t as date) end)[1];

-- A roster's registration or change date, which a clerk may give by its month alone (2026年10月, 2026.10,
-- 2026年10月份): that month's first day. A visit's date is a day, never this.
create or replace temp macro cv_parse_day_or_month(s) as coalesce(cv_parse_date(s), list_transform(
    [regexp_extract(cv_date_cell(s), '^((19|20)\d\d)\s*[年./-]\s*(\d{1,2})\s*月?份?$', ['y', '_', 'm'])],
    lambda p: case when p.y <> '' and cast(p.m as integer) between 1 and 12
                   then make_date(cast(p.y as integer), cast(p.m as integer), 1) end)[1]);

-- A day a list's clerk wrote without its year (变动日期 10月5日, 10.5, 10-05) on a list dated `listed` (its 填报日期, else
-- today): the year that puts it at most two months after that date, as a change the list reports happened before it
-- was sent or soon after (10月3日 on a list of 2026-09-30 is 2026's; 11月20日 on one of 2027-01-10 is 2026's). Null for
-- any other text
create or replace temp macro cv_day_before(s, listed) as list_transform(
    [regexp_extract(cv_half_width(s), '^\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?\s*$', ['m', 'd'])],
    lambda p: list_transform([try_cast(year(listed) || '-' || p.m || '-' || p.d as date)],
                             lambda d: case when d > listed + interval 2 month then d - interval 1 year
                                            else d end)[1])[1]::date;

-- The day a list (a roster, a contact list) holds from: its 填报日期, else the day it was loaded (DESIGN §3)
create or replace temp macro cv_list_date(report_date, loaded_at) as coalesce(report_date, cast(loaded_at as date));
-- The order of a place's lists: by the day each holds from, then as loaded (a list of the same day loaded later
-- replaces the one before it), as one number
create or replace temp macro cv_list_order(report_date, loaded_at, load_id) as
    date_diff('day', date '1900-01-01', cv_list_date(report_date, loaded_at)) * 1000000 + load_id;

-- A snapshot's 填报日期 from the text above its header (its title, a 填报单位/日期 row), each date in it read as a
-- date cell is (2026年9月30日, 2026.9.30, 2026-09-30, 二〇二六年九月三十日, and after a label 20260930): the date after
-- a label (填报、报送、上报、制表、统计 日期 or 时间; of a range after it, 2026年9月1日至2026年9月30日, the end), else
-- the latest date written (a title naming a period, 2026年1月1日—2026年9月30日, is dated its end; 9月底 is its last
-- day), else a month named alone (2026年8月份底册: its first day; of a range of months, 2026年1-9月, the last).
-- (a day after a label written without its year, 2026年特殊困难老年人底册（截至10月31日）, given the year the text names)
create or replace temp macro cv_labelled_day_with_year(s) as list_transform(
    [regexp_extract(s, '((?:19|20)\d\d)\s*年', 1)],
    lambda y: case when y = '' then s else regexp_replace(s,
        '(截至|截止|(?:填报|报送|上报|制表|统计)(?:日期|时间))(\s*[:：]?\s*)(\d{1,2}\s*月\s*\d{1,2}\s*[日号])',
        '\1\2' || y || '年\3', 'g') end)[1];
create or replace temp macro cv_report_date(text) as list_transform(
    -- (a range's end written without its year, 2026年10月1日至10月31日, given the start's)
    [' ' || regexp_replace(regexp_replace(cv_labelled_day_with_year(cv_arabic_numerals(cv_half_width(text))),
                                          '((?:19|20)\d\d)(\s*[年./]\s*\d{1,2}\s*[月./]\s*\d{1,2}\s*[日号]?\s*(?:至|到|~|—|–)\s*)'
                                          || '(\d{1,2}\s*[月./]\s*\d{1,2})', '\1\2\1年\3', 'g'),
                           '(\d{1,2})\s*(?:-|~|至|到|—|–)\s*(\d{1,2})\s*月', '\2月', 'g')],
    -- the candidates as text (the labelled range's end and start, then every date written), parsed by one
    -- expansion of cv_parse_date: each mention of a macro is planned anew, and a title is read for every load
    lambda t: list_transform(
        [list_transform(
            list_concat(
                [regexp_extract(t, '(?:填报|报送|上报|制表|统计)(?:日期|时间)\s*[:：]?\s*'
                    || '((?:19|20)\d\d\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*[日号]?|(?:19|20)\d{6}(?:\D|$))'
                    || '(?:\s*(?:至|到|~|—|–|-)\s*((?:19|20)\d\d\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}))?', 2),
                 regexp_extract(t, '(?:填报|报送|上报|制表|统计)(?:日期|时间)\s*[:：]?\s*'
                    || '((?:19|20)\d\d\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*[日号]?|(?:19|20)\d{6}(?:\D|$))'
                    || '(?:\s*(?:至|到|~|—|–|-)\s*((?:19|20)\d\d\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}))?', 1)],
                regexp_extract_all(t, '\D((?:19|20)\d\d\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*[日号]?)', 1)),
            lambda candidate: cv_parse_date(nullif(candidate, '')))],
        lambda days: coalesce(
            days[1], days[2],
            list_max(list_concat(
                days[3:],
                -- a month's end in words (2026年9月底, 9月末)
                list_transform(regexp_extract_all(t, '\D(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*[底末](?:[^册]|$)'),
                    lambda words: last_day(try_strptime(
                        regexp_extract(words, '(\d{4})\s*年\s*(\d{1,2})', 1) || '-'
                        || regexp_extract(words, '(\d{4})\s*年\s*(\d{1,2})', 2) || '-1', '%Y-%m-%d'))))),
            list_transform(
                [regexp_extract(t, '\D((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?:\s*(?:底册|[^\d\s底末])|\s*$)',
                                ['y', 'm'])],
                lambda p: case when p.y <> '' and cast(p.m as integer) between 1 and 12
                               then make_date(cast(p.y as integer), cast(p.m as integer), 1) end)[1]))[1])[1];

-- A visit's date written without its year (10月5日, 十月五日, 10.5, 10-5 9:30) or its month (5日), in a sheet whose
-- title, name or file name gives its month (sheet_month: 2026-10) or months (2026-10..2026-11, a title 2026年10月1日—11月30日):
-- with them, the year the one that puts the day nearest the sheet's (last) month (12月28日 in a register of 2027年1月
-- is 2026's); a day alone only in a sheet of one month. Null where the sheet names no month: no year is guessed
-- (DESIGN §3).
create or replace temp macro cv_date_in_month(s, sheet_month) as case when sheet_month is not null then
    list_transform([cv_arabic_numerals(cv_half_width(s))], lambda t: regexp_replace(regexp_replace(t,
        '^(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?(?:$|(\s|\(|周|星期|礼拜|上午|下午|中午|晚|早|傍晚|凌晨|夜))',
        list_transform([coalesce(try_cast(regexp_extract(t, '^(\d{1,2})\s*[月./-]\s*\d', 1) as integer), 0)
                        - cast(right(sheet_month, 2) as integer)],
                       lambda after: cast(cast(left(right(sheet_month, 7), 4) as integer)
                                          - case when after > 6 then 1 when after < -6 then -1 else 0 end
                                          as varchar))[1] || '-\1-\2\3'),
        '^(\d{1,2})\s*[日号](?:$|(\s))', if(length(sheet_month) = 7, sheet_month || '-\1\2', '\0')))[1] end;

-- Masks for sensitive personal information (DESIGN §6: 张*, 1201**********1234, 138****5678), the one
-- masking policy: the marts, rejected rows' raw cells and any text quoted into a message use these.
-- A name keeps its first character, unless that is the whole name; an ID number or a phone too
-- short to keep its ends is all stars; an address keeps its first six characters.
create or replace temp macro cv_mask_name(s) as
    case when length(s) <= 1 then repeat('*', length(s)) else substr(s, 1, 1) || repeat('*', length(s) - 1) end;
create or replace temp macro cv_mask_id(s) as
    case when length(s) <= 8 then repeat('*', length(s)) else substr(s, 1, 4) || repeat('*', length(s) - 8) || substr(s, -4) end;
create or replace temp macro cv_mask_phone(s) as
    case
        when length(s) < 7 then repeat('*', length(s))
        when length(s) < 11 then substr(s, 1, 2) || repeat('*', length(s) - 4) || substr(s, -2)  -- a local number
        else substr(s, 1, 3) || repeat('*', length(s) - 7) || substr(s, -4)
    end;
create or replace temp macro cv_mask_address(s) as
    case when length(s) > 6 then substr(s, 1, 6) || '****' when s is not null then '****' end;
-- A place cell (社区, 街道) quoted in a message or shown with a rejected row: an address typed there (和平区花园路社区
-- 解放南路123号3门201, review 2026-12-04) is masked as an address; a place's name as it is (新华里, 第一社区)
create or replace temp macro cv_mask_place(s) as
    case when regexp_matches(s, '\d+\s*(号|门|室|楼|单元|栋|层|弄|巷)|\d{3}') then cv_mask_address(s) else s end;

-- A text quoted about a row that names a diagnosis (糖尿病 typed as a category, 偏瘫卧床 as a disability level: review
-- 7) is health data, whatever column it was typed in (DESIGN §6): all stars; one that holds a house number (和平区福方里
-- 3号楼2门101 typed as a category) an address, masked as one (a date's 11月6号 or 6号 is none)
create or replace temp macro cv_mask_health(s) as
    case when regexp_matches(s, '病|癌|瘤|痴呆|偏瘫|瘫痪|卧床|中风|脑梗|心梗|脑出血|脑溢血|骨折|失明|失聪|透析|截肢|'
                                '精神分裂|抑郁|帕金森|阿尔茨海默|糖尿|高血压|心脏|残疾')
         then repeat('*', 4) else s end;
create or replace temp macro cv_mask_house(s) as
    case when regexp_matches(s, '(?:^|[^月\d.])\d+\s*(?:号|门|室|楼|单元|栋|层|弄|巷)|(?:路|街|里|巷|弄|村|小区|大厦|公寓)\d')
              and not regexp_full_match(s, '\d{1,2}\s*号')
         then cv_mask_address(s) else s end;

-- The common Chinese surnames (one or two characters), as a pattern: a person's name begins with one
create or replace temp macro cv_surname() as '(欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|'
    '[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于'
    '蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛'
    '闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔'
    '伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴'
    '霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤穆卓古吉缪车项'
    '连麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟臧闵苟邬边卞姬师仇栾隋商刁沙荣'
    '巫寇桑郎甄丛仲虞敖巩佘池查麻迟邝赖])';

-- A relative's name after the word for them (转至女儿刘美华家, 老伴王建国照顾): masked as a name, 刘**, 王**.
create or replace temp macro cv_mask_kin_names(s) as
    regexp_replace(s, '(女儿|儿子|儿媳|女婿|孙子|孙女|外孙|老伴|配偶|丈夫|妻子|爱人|侄子|侄女|外甥|亲属|家属|子女|哥哥|姐姐|'
                      '弟弟|妹妹|兄弟|姐妹|监护人|联系人)([:：]?)(' || cv_surname() || ')\p{Han}{1,2}', '\1\2\3**', 'g');

-- A person's name written before a phone or an ID number, with or without a word between (赵秀兰138…: a sheet
-- per elder named by name and phone; 赵秀兰家属138…要求电话回访 typed in a header cell): masked as a name is
create or replace temp macro cv_mask_named_number(s) as
    regexp_replace(s, '(^|[^\p{Han}])(' || cv_surname() || ')\p{Han}{1,2}((?:的|之)?(?:本人|家属|子女|儿子|女儿|老伴|'
                      || '电话|手机|联系电话|手机号)?[\s:：,，()（）]*\d[\d \t　-]{5,}\d)', '\1\2**\4', 'g');

-- Any text quoted into a message, a warning or a reject reason (DESIGN §6: whatever column it was
-- typed in): runs of 7 or more digits (spaces inside allowed; dashes and brackets too, in runs of 11 or more, or a
-- landline's 2330-1234) look like a phone or an ID number and are masked, IDs as cv_mask_id, other numbers as
-- cv_mask_phone.
-- (The run without its spaces is bound once, as a one-element list: each mention of a macro
-- parameter copies its whole expression into the query, and staging quotes texts in many places.)
create or replace temp macro cv_mask_digits(run, digits) as
    case
        when length(digits) < 7 then run
        when regexp_full_match(digits, '\d{15}|\d{17}[\dXx]') then cv_mask_id(upper(digits))
        else cv_mask_phone(digits)
    end;
create or replace temp macro cv_mask_digit_run(run) as
    list_transform([regexp_replace(run, '[^\dXx]', '', 'g')], lambda digits:
        -- a run with dashes or brackets in it is a phone or an ID when long enough for one (a date, 2026-10-05,
        -- is not), or a local landline of 3-4 and 4 digits (2330-1234)
        case when regexp_matches(run, '[-－—_()（）]') and length(digits) < 11
                  and not regexp_full_match(run, '\d{3,4}[-－—]\d{4}') then run
             else cv_mask_digits(run, digits) end)[1];
-- Fast path first: a text with no digit followed by 6 more digits, spaces or X (no run long enough
-- to mask) is returned as it is; a lambda costs about a millisecond per chunk of rows wherever it
-- is evaluated, even for a few rows of it.
create or replace temp macro cv_mask_free_text(s) as cv_mask_kin_names(
    case
        when not regexp_matches(s, '[\d０-９][\d０-９ \t　Xx\-－—_()（）]{6}') then s
        -- (full-width digits, as a Chinese input method types them, masked as digits: probe 31 M1)
        when s is not null then array_to_string(list_transform(regexp_extract_all(
                cv_mask_named_number(translate(s, '０１２３４５６７８９', '0123456789')),
                '\d(?:[ \t　\-－—_()（）]*\d)*[Xx]?|[^\d]+'),
            lambda part: case when regexp_matches(part, '^\d') then cv_mask_digit_run(part) else part end), '')
    end);

-- A sheet's name quoted in a message or shown with a rejected row: a workbook may keep a sheet per
-- elder, named by the elder (王秀英, 买买提·艾力). A name with the shape of a person's is masked as a
-- name: Han words joined by a middle dot, or two to four Han characters that begin with a common
-- surname (the demo's all among them) and hold no word of tables, places, months or categories
-- (高龄, 王串场社区, 明细); any other name as free text (补充, 字典, Sheet1, 2026年9月).
create or replace temp macro cv_mask_sheet_name(s) as
    case
        when regexp_full_match(s, '\p{Han}{1,8}[·•・．.]\p{Han}{1,8}')
             or regexp_full_match(s, cv_surname() || '\p{Han}{1,3}')
                 and not regexp_matches(s, '社区|街道|居委|村委|小区|名单|名册|底册|记录|台账|登记|汇总|合计|统计|'
                                           '明细|数据|信息|情况|说明|目录|封面|附件|备注|模板|样表|老人|独居|空巢|'
                                           '失能|失智|高龄|留守|孤寡|失独|困难|低保|特困|探访|走访|巡访|联系|帮扶|'
                                           '关爱|新增|减少|变动|死亡|迁出|[表册单簿录页月]$|季度|全部|全体|所有|'
                                           '副本|备份|更正|修改|核对|审核')
            then cv_mask_name(s)
        else cv_mask_free_text(s)
    end;

-- A file's name as stored and shown: masked as free text, in half-width digits, a phone or an ID number written
-- with dashes or underscores between its digits (138-1234-5678, 1201-0119-4001-0100-12) masked as one (a date,
-- 2026-10-05, has too few digits to be either), and a name before its extension masked as a sheet's is (a file
-- per elder: 王秀英.xlsx).
create or replace temp macro cv_mask_file_name(s) as list_transform([array_to_string(list_transform(
        regexp_extract_all(cv_mask_free_text(cv_half_width(s)), '\d(?:[-_]?\d){10,}[-_]?[Xx]?|[^\d]+|\d+'),
        lambda part: case when regexp_matches(part, '^\d(?:[-_]?\d){10,}')
                          then cv_mask_digit_run(regexp_replace(part, '[-_]', '', 'g')) else part end), '')],
    lambda n: cv_mask_sheet_name(regexp_extract(n, '^(.*?)(\.[^./]*)?$', 1)) || regexp_extract(n, '(\.[^./]*)$', 1))[1];

-- A cell of a canonical field (etl/mappings: id_number, name, phone …) masked as that field's
-- value; dates as they are (20250117 is no phone) unless a longer run of digits is in them; a note (备注) or a
-- column no mapping knows, where anything may be written (由邻居潘美玲代签, 住宁夏路12号3门201, 患有糖尿病: review
-- 2026-12-04), by its first four characters when it is longer than six; any other cell (处理措施, 居住情况 …) as free
-- text, since a phone or an ID can be typed anywhere, and by its first two characters when longer than six.
create or replace temp macro cv_mask_field(field, s) as
    case
        when s is null or s = '' then s
        when (field is null or field = 'notes') and length(s) > 6 then substr(cv_mask_free_text(s), 1, 4) || '****' 
        when field = 'id_number' then cv_mask_id(s)
        when field in ('name', 'contact_name', 'visitor') then cv_mask_name(s)
        when field in ('phone', 'contact_phone') then cv_mask_phone(s)
        when field = 'address' then cv_mask_address(s)
        when field in ('district', 'street', 'community') then cv_mask_free_text(cv_mask_place(s))
        when field in ('birth_date', 'findings', 'problem', 'disability') then '****'
        -- a date cell holding a longer run of digits holds no date but maybe an ID or a phone typed in the wrong column
        when field in ('visit_date', 'reg_date', 'change_date', 'set_date') and not regexp_matches(s, '\d{9}') then s
        -- a value cell (探访结果, 居住情况 …) holds a word; a longer text in one is what a clerk typed about the person
        -- (精神分裂症复发: review 6, finding 7): by its first two characters
        when length(s) > 6 and field not in ('visit_date', 'reg_date', 'change_date', 'set_date')
            then substr(cv_mask_free_text(s), 1, 2) || '****'
        else list_transform([cv_mask_free_text(s)], lambda text: cv_mask_health(text))[1]
    end;

-- A birth date column compared with the ID number's at the precision it is written in: a day
-- (a date on the 1st of the right month counts as a year-month: Excel stores 1955.07 typed in a
-- date cell as 1955-07-01), a year-month (1955.07, 1955-07, 1928年03月, 195507; 1955.1 may be an
-- Excel number that lost the 0 of 1955.10) or a year. Null when the text is no date at all.
create or replace temp macro cv_birth_year_month(s) as
    regexp_extract(cv_half_width(trim(s)), '^((?:18|19|20)\d{2})\s*[年.\-/]?\s*(0?[1-9]|1[0-2])\s*月?(份)?$', ['y', 'm']);
create or replace temp macro cv_birth_date_contradicts(s, birth) as
    case
        -- fast path: the ID's own date in the forms clerks mostly type (cv_parse_date reads them as
        -- that day, in its years 1900-2100)
        when year(birth) between 1900 and 2100
             and s in (strftime(birth, '%Y年%-m月%-d日'), strftime(birth, '%Y年%m月%d日'), strftime(birth, '%Y-%m-%d'))
            then false
        -- else the cell read as a date and as a year-month, each bound once (a one-element list: cv_mask_digits)
        else list_transform([{'day': cv_parse_date(s), 'ym': cv_birth_year_month(s)}], lambda cell: case
            when cell.day is not null
                then cell.day <> birth
                     and not (day(cell.day) = 1 and date_trunc('month', cell.day) = date_trunc('month', birth))
            when cell.ym.y <> ''
                then cast(cell.ym.y as integer) <> year(birth)
                     or (cast(cell.ym.m as integer) <> month(birth)
                         and not (regexp_full_match(trim(s), '\d{4}\.1') and month(birth) = 10))
            when regexp_full_match(cv_half_width(trim(s)), '(18|19|20)\d{2}\s*年?')
                then cast(substr(trim(cv_half_width(s)), 1, 4) as integer) <> year(birth)
        end)[1]
    end;

-- GB 11643 ID numbers. cv_id_normalize strips spaces, upper-cases x and upgrades the 15-digit
-- legacy form; anything else is returned as it came so that the reason can name it.
create or replace temp macro cv_id_check_digit(id17) as
    substr('10X98765432', cast(1 + list_sum(list_transform(range(1, 18),
        lambda i: try_cast(substr(id17, i, 1) as integer) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i])) % 11 as bigint), 1);

-- An ID cell's characters: full-width digits and Ｘ made half-width, spaces of every kind and the
-- apostrophe that keeps Excel from making it a number dropped, dashes between its parts (120101-19400101-0012)
-- too, and a note beside the one ID number it holds (…（已故）, … 本人). Most cells are already 18 (or 15)
-- plain characters: they skip cv_half_width, whose translate costs ten times more.
create or replace temp macro cv_id_text(s) as
    case
        when regexp_full_match(s, '\d{17}[\dXx]|\d{15}') then upper(s)
        else list_transform(
            [nullif(upper(regexp_replace(cv_half_width(s),
                                         '[\s\x{3000}\x{00A0}\x{200B}-\x{200D}\x{2060}\x{00AD}\x{FEFF}''‘’`]', '', 'g')),
                    '')],
            lambda t: case
                -- the check character typed as the multiplication sign (×) or another X-like sign a Chinese IME gives
                when regexp_full_match(t, '\d{17}[×✕✗╳ХⅩ]') then substr(t, 1, 17) || 'X'
                -- its digits in groups joined by dashes, dots or slashes (110105-19491231-002X, 120101/194001010011:
                -- review 12 M5), its check digit then tells whether they are an ID number's
                when regexp_full_match(t, '[\dX]+([-—–./][\dX]+)+')
                     and regexp_full_match(regexp_replace(t, '[-—–./]', '', 'g'), '\d{17}[\dX]')
                    then regexp_replace(t, '[-—–./]', '', 'g')
                when regexp_full_match(t, '\D*\d{17}[\dX]\D*') and not regexp_full_match(t, '\d{17}[\dX]')
                    then regexp_extract(t, '\d{17}[\dX]')
                else t
            end)[1]
    end;

-- The 15-digit legacy form is upgraded in a lambda over a one-element list: the cell is bound once
-- (a macro's every use is bound anew, for every file), and the lambda only runs for such cells.
create or replace temp macro cv_id_normalize(s) as
    case
        -- a disability certificate's number (残疾人证号, GB/T 26341): the ID number, then the kind and the grade of the
        -- disability, a digit each; its first 18 are the ID where they check (review 2026-12-04: rejected, 应为18位)
        when regexp_full_match(cv_id_text(s), '\d{17}[\dX][1-7][1-4]')
             and cv_id_check_digit(substr(cv_id_text(s), 1, 17)) = substr(cv_id_text(s), 18, 1)
            then substr(cv_id_text(s), 1, 18)
        when regexp_full_match(cv_id_text(s), '\d{15}')
            then list_transform([cv_id_text(s)], lambda id15: substr(id15, 1, 6) || '19' || substr(id15, 7, 9)
                 || cv_id_check_digit(substr(id15, 1, 6) || '19' || substr(id15, 7, 9)))[1]
        else cv_id_text(s)
    end;

create or replace temp macro cv_id_birth_date(id18) as try_strptime(substr(id18, 7, 8), '%Y%m%d')::date;

-- Why an (already normalized) ID number cannot be used, or null when it is valid.
create or replace temp macro cv_id_problem(id18) as
    case
        when id18 is null then '身份证号为空'
        when regexp_matches(id18, '^\d(\.\d+)?E\+?\d+$') or regexp_full_match(id18, '\d+\.\d+')
            then '身份证号被Excel存成了数字(' || cv_mask_free_text(id18) || '), 已无法恢复, 请把该列设为文本后重新导出'
        -- a couple written on one row (ID、ID, or one under the other in the cell)
        when regexp_matches(id18, '\d{17}[\dX]\D*\d{17}[\dX]') then '一格里写了两个身份证号: 请每位老人写一行'
        -- 18 characters, one a letter or a sign (12O101…: the letter O for the digit 0)
        when length(id18) = 18 and length(regexp_replace(id18, '\D', '', 'g')) >= 15
             and not regexp_full_match(id18, '\d{17}[\dX]')
            then '身份证号中有数字以外的字符 (如把数字0写成了字母O): 请核对'
        -- masked as a street sends a list up (120101********1234): the number is not in the file
        when regexp_full_match(id18, '\d{0,14}[*＊]{4,}\d{0,14}[\dX]?')
            then '身份证号已打码 (部分数字是*), 无法使用: 请导出未打码的名单'
        when not regexp_full_match(id18, '\d{17}[\dX]') then '身份证号格式不对: 应为18位'
        when cv_id_birth_date(id18) is null or cv_id_birth_date(id18) > current_date
            or year(cv_id_birth_date(id18)) < 1880 then '身份证号中的出生日期不存在'
        when cv_id_check_digit(substr(id18, 1, 17)) <> substr(id18, 18, 1) then '身份证号校验位错误'
    end;

create or replace temp macro cv_id_sex(id18) as
    case when try_cast(substr(id18, 17, 1) as integer) % 2 = 1 then '男' else '女' end;

-- Phone numbers as people write them, in every kind of file: a cell may hold several, each maybe
-- with spaces or dashes inside (138 0013 8000, 022-23301234), a +86 prefix, a name or a note
-- around it (张三13800138000（儿子）). Keep the valid ones in order (mobile, landline with area
-- code, local). A landline with its area code that Excel kept as a number has lost its 0 (2223301234, 3111234567):
-- ten digits, or eleven not beginning with 1, are no mobile and no local number, so the 0 goes back (probe 26 L3).
create or replace temp macro cv_phone_digits(p) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(p, '\D', '', 'g'), '^(0086|86|0)(1[3-9]\d{9})$', '\2'),
                                  '^(0086|86)([1-9]\d{8,10})$', '0\2'),  -- +86 22 2345 6789: the area code's 0 back
                   -- (a company's 400 or 800 number is no landline that lost its 0: probe 32 H3, 04006001234)
                   '^(10\d{8}|2\d{9}|[35-79]\d{9,10}|4(?:[1-9]\d|0[1-9])\d{7,8}|8(?:[1-9]\d|0[1-9])\d{7,8})$', '0\1');
-- a mobile; a landline with its area code (010 and 02x: eight digits after it; 0xxx: seven or eight); a local number
create or replace temp macro cv_phone_valid(p) as regexp_full_match(p, '1[3-9]\d{9}|0[12]\d{9}|0[3-9]\d{9,10}|[2-8]\d{6,7}');
-- A phone cell Excel turned into a number and wrote in scientific notation (1.3912345E+10): its digits when the
-- notation holds them all (1.3912345678E+10), else null (the trailing digits are lost: 1.3912345E+10 is no 3912345)
create or replace temp macro cv_phone_as_number(s) as
    regexp_full_match(trim(coalesce(s, '')), '\d(\.\d+)?[Ee]\+?\d{1,2}');
create or replace temp macro cv_phone_from_number(s) as
    case when length(regexp_replace(regexp_extract(trim(s), '^\d(\.\d+)?', 0), '\.', ''))
              = try_cast(regexp_extract(trim(s), '[Ee]\+?(\d+)$', 1) as integer) + 1
         then regexp_replace(regexp_extract(trim(s), '^\d(\.\d+)?', 0), '\.', '') end;
-- Why a phone cell holds no number, quoting it as {value}
create or replace temp macro cv_phone_problem(s) as
    case when cv_phone_as_number(s) then '电话被Excel存成了数字 ({value}), 号码已不完整: 请把该列设为文本后重新导出'
         -- (a list exported masked, 139****0012, as an ID number masked is said: probe 32 L2)
         when regexp_matches(s, '\d[*＊]{3,}\d') then '电话已打码 ({value}): 请报送未打码的名单'
         else '电话无效: {value}' end;
-- A phone's groups of digits joined by dots (139.0000.1111) as by dashes: one number, read and masked as one (review 12
-- H3: not a phone, and quoted whole). Groups of three digits or more: 1.3912345E+10, 13900001111.0 and a date
-- (2026.10.05) stay as written.
create or replace temp macro cv_undotted_digits(s) as
    regexp_replace(regexp_replace(s, '(\d{3,})\.(\d{3,})', '\1-\2', 'g'), '(\d{3,})\.(\d{3,})', '\1-\2', 'g');
create or replace temp macro cv_phone_list(s) as
    case
        -- fast path: a cell that is one valid number and nothing else (most cells)
        when cv_phone_valid(s) then [s]
        when cv_phone_as_number(s) then list_filter([cv_phone_from_number(s)], lambda p: cv_phone_valid(p))
        else flatten(list_transform(regexp_extract_all(cv_undotted_digits(cv_half_width(coalesce(s, ''))),
                                                       '\+?\d[\d \t\-()]*\d'),
        lambda run: case
            when cv_phone_valid(cv_phone_digits(run)) then [cv_phone_digits(run)]
            -- a landline with its extension (022-23456789-801): the landline
            when cv_phone_valid(cv_phone_digits(regexp_replace(run, '\s*-\s*\d{1,5}$', '')))
                then [cv_phone_digits(regexp_replace(run, '\s*-\s*\d{1,5}$', ''))]
            -- numbers side by side, separated by spaces only
            when list_bool_or(list_transform(regexp_split_to_array(trim(run), '\s+'),
                                             lambda p: cv_phone_valid(cv_phone_digits(p))))
                then list_filter(list_transform(regexp_split_to_array(trim(run), '\s+'), lambda p: cv_phone_digits(p)),
                                 lambda p: cv_phone_valid(p))
            -- mobiles run together (22 digits: two of them); a digit too many or too few is no number
            when length(cv_phone_digits(run)) % 11 = 0 then regexp_extract_all(cv_phone_digits(run), '1[3-9]\d{9}')
            else []
        end))
    end;

-- A contact person written as a body or a post, not a person (村委会, 花园路社区居委会, 物业, 网格员, 居委会主任): no
-- one designated, so not counted for 社区帮扶 (DESIGN §4: a contact person with a name). Only a text that ends with a
-- body (and maybe its post) or is a post alone: 张主任 and 社区张三 are people, and no person's name is quoted.
create or replace temp macro cv_contact_is_no_person(contact_name) as coalesce(
    -- (regexp_matches anchored, not regexp_full_match: the marts also run on Spark, whose RLIKE it becomes)
    regexp_matches(cv_person_name(contact_name), '^(.*(村委会|居委会|委员会|社区|街道|物业|物业公司|办事处|服务中心|'
                                                 '服务站|工作站|养老院|敬老院|派出所|民政局?)'
                                                 '(主任|书记|站长|工作人员|网格员|网格长|楼长|社工|民警|志愿者)?'
                                                 '|网格员|网格长|主任|书记|站长|楼长|志愿者|社工|民警|工作人员|'
                                                 '社区工作者|邻居|房东|保姆)$'), false);

-- What a clerk writes where a contact person or their phone would be when there is none (无, 暂无, /): nothing
create or replace temp macro cv_none_written(s) as
    cv_squeeze(s) in ('无', '暂无', '没有', '/', '-', '—', '无联系人', '无电话', '空', '不详', '未知', '暂缺');

-- A contact person the list itself says is gone (王芳（已故）, 关系 女儿（已去世）, 刘洋（离职）, 李四已搬走): no one to call
-- (probe 32 H2: each had counted); and a phone cell that says it reaches no contact person: out of service (已停机, 空号),
-- or the elder's own (13912345678（老人本人）)
create or replace temp macro cv_contact_is_gone(relation, contact_name) as coalesce(
    regexp_matches(coalesce(relation, '') || ' ' || coalesce(contact_name, ''),
                   '已故|去世|逝世|病故|过世|离世|身故|死亡|亡故|已搬走|搬走了|已迁走|已搬离|离职|调走|调离|已退休'), false);
create or replace temp macro cv_phone_unreachable(s) as coalesce(
    regexp_matches(s, '停机|空号|已停用|停用了|销号|已注销|号码有误|错号|无法接通|打不通'
                      || '|(老人|本人)(本人|自己)?的?(电话|手机|号码)?[)）]?$|[（(](老人)?本人[)）]'), false);

-- A contact person written as a relative alone (女儿, 老伴, 亲属): no name, so no designated contact person (DESIGN §4,
-- 失能帮扶率: a contact person with a name and a valid phone), however valid the phone
create or replace temp macro cv_contact_is_unnamed(contact_name) as coalesce(
    regexp_matches(cv_person_name(contact_name), '^(大|二|三|小)?(女儿|儿子|子女|儿女|老伴|配偶|爱人|丈夫|妻子|孙子|孙女|'
                                                 '外孙|外孙女|亲属|家属|亲戚|侄子|侄女|外甥|外甥女|弟弟|妹妹|哥哥|姐姐|'
                                                 '兄弟|姐妹|儿媳|女婿|儿媳妇|闺女)$'), false);

-- A contact person who is the elder themself (关系 本人, the elder's own name, or a name noted 朱秀兰（本人）): no
-- designated contact person (DESIGN §4, 失能帮扶率), however valid the phone
create or replace temp macro cv_contact_is_self(relation, contact_name, elder_name) as
    coalesce(list_has_any(['本人', '自己', '老人本人', '本身', '自身', '老人自己'],
                          [relation, cv_name_note(contact_name), cv_person_name(contact_name)])
             or cv_person_name(contact_name) = cv_person_name(elder_name), false);

-- The key that makes two visits the same (重复记录): same elder (ID number, or name@community
-- without one), date-time, method, visitor and outcome. It combines a stable hash of each part
-- with xor, so that staging hashes each distinct value once, not each row.
create or replace temp macro cv_key_part(part, value) as md5_number(part || ':' || cast(value as varchar));
create or replace temp macro cv_visit_key(id_number, elder_name, community_code, visit_at, method, visitor_name,
                                          outcome) as
    xor(xor(xor(xor(cv_key_part('elder', coalesce(id_number, elder_name || '@' || community_code)),
                    cv_key_part('at', visit_at)), cv_key_part('method', method)),
            cv_key_part('visitor', coalesce(visitor_name, ''))), cv_key_part('outcome', outcome));

-- A reject reason's reference to the earlier row a row repeats (its src_id `first_id` and row `first_row`): its row
-- number, and its sheet's name when that is another sheet of the workbook (`sheets`: staging's one-row temp table
-- stg_sheets, the sheets' names in src_id order as messages say them, masked, and the stride of their src_ids):
-- 与第 3 行, 与工作表 独居 第 3 行, for the reason to say how the two are alike (相同, 是同一人).
create or replace temp macro cv_same_row(first_id, src_id, first_row, sheets) as
    '与' || case when first_id // sheets.stride <> src_id // sheets.stride
                      and sheets.sheet_names[first_id // sheets.stride + 1] is not null
                 then '工作表 ' || sheets.sheet_names[first_id // sheets.stride + 1] || ' ' else '' end
        || '第 ' || first_row || ' 行';

-- The day the marts are counted for: who is 80 by then (marts/elder_periods), which visits are not in the
-- future (marts/month_frame). The machine's date; a warehouse's marts remember theirs (settings marts_date),
-- and a load on a later day builds for what the day changed (scope/new_day.sql).
create or replace temp macro cv_today() as current_date;

-- Completed years of age on date d.
create or replace temp macro cv_age(birth, d) as
    year(d) - year(birth) - case when month(d) * 100 + day(d) < month(birth) * 100 + day(birth) then 1 else 0 end;

-- A warning about one row, as staging lists them (stored in load_warnings): a machine code, the
-- canonical field, the cell's text masked like any text quoted into a message (by cv_warnings), and the sentence
-- for the clerk (built with the masked value).
create or replace temp macro cv_warning(code, field, value, message) as
    {'code': code, 'field': field, 'value': value, 'message': message};

-- The warnings of one row from a list of cv_warn (null where there is none). cv_warn_quoting's
-- sentence names the cell's text as {value}: it is masked and quoted once here, not in every
-- warning (each use of a macro copies its whole expression into the query, which DuckDB then
-- binds and optimises for every file).
create or replace temp macro cv_warn(code, field, value, message) as
    {'code': code, 'field': field, 'value': value, 'message': message, 'quote': false};
create or replace temp macro cv_warn_quoting(code, field, value, message) as
    {'code': code, 'field': field, 'value': value, 'message': message, 'quote': true};
-- A cell quoted into a message about its row (未知的探访方式: 王秀英家属代签): masked as free text, and the row's own
-- elder named in it (`name`, as stored) masked as a name is.
create or replace temp macro cv_mask_name_in(s, name) as
    case when length(name) >= 2 then replace(s, name, cv_mask_name(name)) else s end;
-- The pieces of a text a person's name may be (two to four characters, from each of its first 400): joined with the
-- names a load holds, the names it writes, found without a pattern of every name of a province's file (another's
-- name typed into a cell, 托冯建国带话, review 8: etl/ingest.py _mask_file_people, exports/rejected_rows.sql)
create or replace temp macro cv_name_pieces(s) as
    flatten(list_transform(range(1, least(length(s), 400)), lambda i: [substr(s, i, 2), substr(s, i, 3), substr(s, i, 4)]));
-- … and the text with each of those names (`people`, the longer first: 王秀英 before 王秀) masked as a name is
create or replace temp macro cv_mask_people(s, people) as
    list_reduce(coalesce(people, []), lambda text, person: replace(text, person, cv_mask_name(person)), s);
-- (on one line: a cell's line breaks, 2026/10/5 and 2026/10/19 one under the other, as ' / ', since a message is a line.
-- Each step bound once, as a one-element list: a macro copies its argument's whole expression into each mention)
create or replace temp macro cv_mask_quoted(s, name) as list_transform(
    [regexp_replace(trim(s), '\s*[\r\n]+\s*', ' / ', 'g')],
    lambda line: list_transform([cv_mask_free_text(line)],
        lambda text: list_transform([cv_mask_house(text)],
            lambda housed: cv_mask_name_in(cv_mask_health(housed), name))[1])[1])[1];
-- A phone cell quoted (电话无效: …): its numbers masked however their digits are joined, by dashes, brackets or dots too
-- (139-2000-001, one digit short, is 13******01: free text leaves a run broken by dashes as it is, since a date is one),
-- and a person named before one (李明 139-2000-001) as cv_mask_named_number masks them
create or replace temp macro cv_mask_phone_cell(s) as array_to_string(list_transform(
        regexp_extract_all(cv_undotted_digits(cv_half_width(s)), '\d(?:[-－—–()（） \t　]*\d)*|[^\d]+'),
        lambda part: case when regexp_matches(part, '^\d') then cv_mask_digits(part, regexp_replace(part, '\D', '', 'g'))
                          else part end), '');
create or replace temp macro cv_warnings(warns, name) as
    list_transform(list_filter(warns, lambda w: w is not null),
        lambda w: list_transform([cv_mask_quoted(case when w.field in ('phone', 'contact_phone')
                                                      then cv_mask_phone_cell(cv_mask_named_number(w.value))
                                                      else w.value end, name)],
                                 lambda masked: cv_warning(w.code, w.field, masked,
            case when w.quote then replace(w.message, '{value}', masked) else w.message end))[1]);

-- A visit that found a problem or an emergency (open until closed: marts/problems.sql).
-- A macro rather than a column of the visits mart: the as-of month marts are recomputed over a
-- stored visits view, which may have been built by an earlier version.
create or replace temp macro cv_problem_found(outcome) as outcome in ('发现问题', '紧急');

-- Which of an elder's visits is the last (the smallest key): the latest; of visits at the same time, the
-- one that found a problem (it stays open until a later visit), then by method and outcome, so that the
-- last visit never depends on the order rows were stored in. With arg_min over cv_last_visit (marts/elder_visit_months, elder_months).
create or replace temp macro cv_last_visit_key(visit_at, method, outcome) as
    {'at': -epoch_us(visit_at), 'problem': not cv_problem_found(outcome), 'method': method, 'outcome': outcome};
create or replace temp macro cv_last_visit(visit_date, method, outcome) as
    {'visit_date': visit_date, 'method': method, 'outcome': outcome};

-- On the roster on day d: a stretch runs from valid_from (null: always) up to, not including, valid_to
-- (null: still running). Every "active on a date" of the marts is this test.
create or replace temp macro cv_on_roster(d, valid_from, valid_to) as
    (valid_from is null or valid_from <= d) and (valid_to is null or valid_to > d);
