-- one row per row of a corrections workbook (etl/corrections.py): the row of load $origin it claims
-- to correct (its 原行号 cell, in stg_origin), whether it takes that row over (the row is waiting for a
-- correction, and claimed once), and why it cannot be loaded when it claims nothing it may correct
-- (null otherwise; rows rejected on their own keep their own reason). A row takes over only a row of the same elder:
-- its name or its ID number written in that row as sent (a 原行号 mistyped, or left behind when rows were moved, had
-- marked another elder's row fixed without loading it).
with waiting as (
    select origin_row, sheet_name, any_value(raw_values) as raw_values from rejects
    where origin_load_id = $origin and resolved_by is null
    group by origin_row, sheet_name
),

candidates as (
    -- the rows waiting that a row may claim: on the sheet it claims; where that is no sheet of the original with rows
    -- waiting (a workbook of one sheet per community saved as CSV, its sheets renamed), on any sheet, of the same elder
    select
        s.src_id,
        s.reject_reason,
        o.origin_row,
        coalesce(w.sheet_name, o.origin_sheet) as origin_sheet,
        w.raw_values is not null as is_waiting,
        -- (a row without a name, of a row sent without one ($name_paths: the cells of the original's header that name
        -- the elder), cannot be told from no one by it: the clerk may have added only the missing ID number; a row
        -- sent with a name is another elder's, its 原行号 mistyped or left behind when the rows were sorted)
        w.raw_values is null
            or (s.elder_name is null
                and not coalesce(list_bool_or(list_transform($name_paths::varchar[], lambda path:
                                     coalesce(trim(json_extract_string(w.raw_values, path)), '') <> '')), false))
            or coalesce(contains(replace(w.raw_values, ' ', ''), s.elder_name), false)
            or coalesce(contains(w.raw_values, s.id_number), false)
            -- … or its ID number as sent one character off (a digit mistyped, dropped or added) from the ID number
            -- written now, with the name mistyped too: that ID number mistyped, as two people's valid ID numbers are
            -- never one character apart (the check digit tells any one digit changed) (review 2026-12-04: the row
            -- could not be corrected at all)
            or coalesce(len(list_filter(regexp_extract_all(w.raw_values, '\d[\d Xx]{15,18}'),
                                        lambda sent: levenshtein(upper(replace(sent, ' ', '')), s.id_number) = 1)) > 0,
                        false) as is_same_elder
    from staged s
    join stg_origin o using (src_id)
    left join waiting w on w.origin_row = o.origin_row and (
        w.sheet_name is not distinct from o.origin_sheet
        or (not exists (select 1 from waiting x where x.sheet_name is not distinct from o.origin_sheet)
            and (contains(replace(w.raw_values, ' ', ''), s.elder_name)
                 or coalesce(contains(w.raw_values, s.id_number), false))))
),

claimed as (
    -- one row each: the row waiting it claims, unless it may be either of two (then none, and it is said)
    select
        src_id,
        any_value(reject_reason) as reject_reason,
        any_value(origin_row) as origin_row,
        case when count(*) = 1 then any_value(origin_sheet) end as origin_sheet,
        count(*) = 1 and bool_and(is_waiting) as is_waiting,
        count(*) > 1 as is_ambiguous,
        bool_or(is_same_elder) as is_same_elder
    from candidates
    group by src_id
),

numbered as (
    -- (of the rows of its elder: a row of another elder claiming it, from a sheet taken for its sheet, takes nothing)
    select *, row_number() over (partition by origin_sheet, origin_row, is_same_elder order by src_id) as occurrence
    from claimed
),

final as (
    select
        src_id,
        origin_row,
        origin_sheet,
        origin_row is not null and is_waiting and occurrence = 1 and is_same_elder as takes_over,
        case
            when reject_reason is not null and is_same_elder and not is_ambiguous then null
            when origin_row is null then '原行号为空或不是行号, 无法对应原文件中的行 (新增的人员或记录请在下月的表中报送)'
            when is_ambiguous
                then '原文件有几个工作表的第 ' || origin_row || ' 行都是此人, 无法确定是哪一行: 请保留工作表名重新导入'
            when not is_waiting then '原文件第 ' || origin_row || ' 行不是待修改的行 (已改好导入, 或原本就已导入)'
            when not is_same_elder
                then '原文件第 ' || origin_row || ' 行是另一位老人 (姓名、身份证号都对不上): 请不要修改原行号'
            when occurrence > 1 then '原行号 ' || origin_row || ' 在本表中出现了多次'
        end as reason
    from numbered
)

select * from final
