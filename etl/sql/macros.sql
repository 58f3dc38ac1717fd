-- Cleaning and parsing macros, created as temporary macros in every connection.

-- Trim ordinary and full-width (U+3000) spaces; empty becomes null. trim/replace rather than
-- regular expressions: this runs on every cell of every file.
create or replace temp macro cv_clean(s) as nullif(trim(trim(s), '　'), '');

-- Remove every space inside a value (names, ID numbers).
create or replace temp macro cv_squeeze(s) as
    nullif(replace(replace(replace(replace(replace(s, ' ', ''), '　', ''), chr(9), ''), chr(10), ''), chr(13), ''), '');

-- Suffix-insensitive key of a street or community name: 劝业场街 = 劝业场街道, 滨西 = 滨西社区居委会.
create or replace temp macro cv_place_key(s) as
    regexp_replace(
        replace(replace(cv_squeeze(s), '（', '('), '）', ')'),
        '(街道办事处|街道|街|社区居民委员会|社区居委会|居民委员会|居委会|社区|村民委员会|村委会|村)$', '');

create or replace temp macro cv_district_key(s) as
    regexp_replace(cv_squeeze(s), '(区|县|市)$', '');

-- Dates in the forms bureaus send: 2023.8.5, 2023年8月5日, 2023/8/5, 20230805, 2023-08-05 14:30,
-- Excel serial numbers (45123 or 45123.5) and date cells (written by the reader as ISO text).
create or replace temp macro cv_parse_timestamp(s) as coalesce(
    try_cast(s as timestamp),  -- the common ISO forms, fast; the rest below
    case
        when s is null then null
        when regexp_full_match(s, '[1-9]\d{4}(\.\d+)?')
            then timestamp '1899-12-30' + to_microseconds(cast(round(cast(s as double) * 86400e6) as bigint))
        when regexp_full_match(s, '(19|20)\d{6}')
            then try_strptime(s, '%Y%m%d')
        else try_strptime(
            regexp_replace(regexp_replace(regexp_replace(s, '[年月/.]', '-', 'g'), '[日号]', '', 'g'), '\s+', ' ', 'g'),
            ['%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H时%M分'])
    end);

create or replace temp macro cv_parse_date(s) as
    case when year(cv_parse_timestamp(s)) between 1900 and 2100 then cast(cv_parse_timestamp(s) as date) end;

-- GB 11643 ID numbers. cv_id_normalize strips spaces, upper-cases x and upgrades the 15-digit
-- legacy form; anything else is returned as it came so that the reason can name it.
create or replace temp macro cv_id_check_digit(id17) as
    substr('10X98765432', cast(1 + list_sum(list_transform(range(1, 18),
        lambda i: try_cast(substr(id17, i, 1) as integer) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i])) % 11 as bigint), 1);

create or replace temp macro cv_id_normalize(s) as
    case
        when regexp_full_match(upper(cv_squeeze(s)), '\d{15}')
            then substr(cv_squeeze(s), 1, 6) || '19' || substr(cv_squeeze(s), 7, 9)
                 || cv_id_check_digit(substr(cv_squeeze(s), 1, 6) || '19' || substr(cv_squeeze(s), 7, 9))
        else upper(cv_squeeze(s))
    end;

create or replace temp macro cv_id_birth_date(id18) as try_strptime(substr(id18, 7, 8), '%Y%m%d')::date;

-- Why an (already normalized) ID number cannot be used, or null when it is valid.
create or replace temp macro cv_id_problem(id18) as
    case
        when id18 is null then '身份证号为空'
        when regexp_matches(id18, '^\d(\.\d+)?E\+?\d+$') or regexp_full_match(id18, '\d+\.\d+')
            then '身份证号被Excel存成了数字(' || id18 || '), 已无法恢复, 请把该列设为文本后重新导出'
        when not regexp_full_match(id18, '\d{17}[\dX]') then '身份证号格式不对: 应为18位'
        when cv_id_birth_date(id18) is null or cv_id_birth_date(id18) > current_date
            or year(cv_id_birth_date(id18)) < 1880 then '身份证号中的出生日期不存在'
        when cv_id_check_digit(substr(id18, 1, 17)) <> substr(id18, 18, 1) then '身份证号校验位错误'
    end;

create or replace temp macro cv_id_sex(id18) as
    case when try_cast(substr(id18, 17, 1) as integer) % 2 = 1 then '男' else '女' end;

-- Phone numbers: a cell may hold several (separated by punctuation or spaces, or written with
-- spaces inside one number); keep the valid ones in order (mobile, landline with area code, local).
create or replace temp macro cv_phone_strip(p) as regexp_replace(p, '^\s*(\+?86)?|[-()（）\s]', '', 'g');
create or replace temp macro cv_phone_valid(p) as regexp_full_match(p, '1[3-9]\d{9}|0\d{9,11}|[2-8]\d{6,7}');
create or replace temp macro cv_phone_list(s) as
    flatten(list_transform(regexp_split_to_array(coalesce(s, ''), '[,，;；/、|]+'),
        lambda part: case
            when cv_phone_valid(cv_phone_strip(part)) then [cv_phone_strip(part)]
            else list_filter(list_transform(regexp_split_to_array(trim(part), '\s+'),
                                            lambda p: cv_phone_strip(p)),
                             lambda p: cv_phone_valid(p))
        end));

-- The key that makes two visits the same (重复记录): same elder (ID number, or name@community
-- without one), date-time, method, visitor and outcome. It combines a stable hash of each part
-- with xor, so that staging hashes each distinct value once, not each row.
create or replace temp macro cv_key_part(part, value) as md5_number(part || ':' || cast(value as varchar));
create or replace temp macro cv_visit_key(id_number, elder_name, community_code, visit_at, method, visitor_name,
                                          outcome) as
    xor(xor(xor(xor(cv_key_part('elder', coalesce(id_number, elder_name || '@' || community_code)),
                    cv_key_part('at', visit_at)), cv_key_part('method', method)),
            cv_key_part('visitor', coalesce(visitor_name, ''))), cv_key_part('outcome', outcome));

-- Masks for sensitive personal information (DESIGN §6).
create or replace temp macro cv_mask_name(s) as
    case when s is null then null when length(s) <= 1 then s else substr(s, 1, 1) || repeat('*', length(s) - 1) end;
create or replace temp macro cv_mask_id(s) as
    case when s is null then null else substr(s, 1, 4) || repeat('*', length(s) - 8) || substr(s, -4) end;
create or replace temp macro cv_mask_phone(s) as
    case when s is null then null when length(s) < 7 then repeat('*', length(s))
         else substr(s, 1, 3) || repeat('*', length(s) - 7) || substr(s, -4) end;

-- Completed years of age on date d.
create or replace temp macro cv_age(birth, d) as
    year(d) - year(birth) - case when month(d) * 100 + day(d) < month(birth) * 100 + day(birth) then 1 else 0 end;
