-- one row per rejected source row, whether it still waits for a correction, its raw cells masked as the field
-- each header names
-- ($load_id: one load, or null for all; reject_header_fields: kind, header, field, from etl/mappings)
with source as (
    select r.rowid as reject_id, r.load_id, r.file_name, r.sheet_name, r.row_number, r.reason, r.raw_values, l.kind,
        -- whether the row still waits for a correction (退回修改), and if not, why
        case
            when r.resolved_by is null then '待修改'
            -- a corrections workbook's row that claims no row waiting: its reason says what to do (原行号 changed …)
            when r.resolved_by = r.load_id and r.load_id in (select load_id from corrections) then '未导入, 见原因'
            when r.resolved_by = r.load_id then '无需修改'  -- a repeat of a row stored, a voided record
            -- rejected again by the corrections workbook that took it over (where it waits in its place), or by a
            -- file that sent it again on the same row (ingest._take_over_resent_rows)
            when exists (select 1 from rejects again
                         where again.load_id = r.resolved_by and again.origin_row = r.origin_row
                             and (again.sheet_name is not distinct from r.sheet_name
                                  or again.origin_load_id = again.load_id))
                then '再次拒收, 见批次 ' || r.resolved_by
            else '已改正, 批次 ' || r.resolved_by
        end as status
    from rejects r
    join loads l using (load_id)
    where $load_id is null or r.load_id = $load_id
),

cells as (
    -- a header written twice keeps its first place and its last value, as a JSON reader has it
    select s.reject_id, s.kind, c.key as header, min(c.id) as position, arg_max_null(c.atom ->> '$', c.id) as value
    from source s, json_each(s.raw_values) c
    group by s.reject_id, s.kind, c.key
),

names as (
    -- the row's elder, whose name another cell may write too (备注: 老人王秀英住院): masked there as well
    select c.reject_id, any_value(cv_person_name(c.value)) as elder_name
    from cells c
    join reject_header_fields f using (kind, header)
    where f.field = 'name'
    group by c.reject_id
),

masked as (
    select
        c.reject_id,
        -- the elder's name masked first: a note shown by its first words must not show theirs
        '{' || string_agg(to_json(c.header) || ': ' || to_json(cv_mask_field(f.field, cv_mask_name_in(c.value,
                                                                                                   n.elder_name))), ', '
                          order by c.position) || '}' as raw_values
    from cells c
    left join reject_header_fields f using (kind, header)
    left join names n using (reject_id)
    where c.value is not null
    group by c.reject_id
),

final as (
    select
        s.load_id,
        s.file_name as file,
        cv_mask_sheet_name(s.sheet_name) as sheet,
        s.row_number,
        s.reason,
        s.status,
        coalesce(m.raw_values, '{}') as raw_values
    from source s
    left join masked m using (reject_id)
)

select * from final
order by load_id, sheet, row_number
