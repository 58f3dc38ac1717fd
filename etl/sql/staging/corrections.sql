-- one row per row of a corrections workbook (etl/corrections.py): the row of load $origin it claims
-- to correct (its 原行号 cell, in stg_origin), whether it takes that row over (the row is waiting for a
-- correction, and claimed once), and why it cannot be loaded when it claims nothing it may correct
-- (null otherwise; rows rejected on their own keep their own reason).
with claimed as (
    select
        s.src_id,
        s.reject_reason,
        o.origin_row,
        o.origin_sheet,
        row_number() over (partition by o.origin_sheet, o.origin_row order by s.src_id) as occurrence,
        exists (
            select 1 from rejects r
            where r.origin_load_id = $origin and r.resolved_by is null
                and r.origin_row = o.origin_row and r.sheet_name is not distinct from o.origin_sheet
        ) as is_waiting
    from staged s
    join stg_origin o using (src_id)
),

final as (
    select
        src_id,
        origin_row,
        origin_sheet,
        origin_row is not null and is_waiting and occurrence = 1 as takes_over,
        case
            when reject_reason is not null then null
            when origin_row is null then '原行号为空或不是行号, 无法对应原文件中的行 (新增的人员请在下月的表中报送)'
            when not is_waiting then '原文件第 ' || origin_row || ' 行不是待修改的行 (已改好导入, 或原本就已导入)'
            when occurrence > 1 then '原行号 ' || origin_row || ' 在本表中出现了多次'
        end as reason
    from claimed
)

select * from final
