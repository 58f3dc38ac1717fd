-- one row per rejected source row, whether it still waits for a correction, its raw cells masked as the field
-- each header names
-- ($load_id: one load, or null for all; reject_header_fields: kind, header, field, from etl/mappings)
with source as (
    select r.rowid as reject_id, r.load_id, r.file_name, r.sheet_name, r.row_number, r.reason, r.raw_values, l.kind,
        -- whether the row still waits for a correction (退回修改), and if not, why: the rejected_rows mart's rule
        case m.status
            when 'waiting' then '待修改'
            when 'superseded' then '无需修改 (已有更新的底册)'
            when 'not_loaded' then '未导入, 见原因'
            when 'nothing_to_fix' then '无需修改'
            when 'rejected_again' then '再次拒收, 见批次 ' || m.resolved_by
            else '已改正, 批次 ' || m.resolved_by
        end as status
    from rejects r
    join loads l using (load_id)
    join rejected_rows m on m.load_id = r.load_id and m.row_number = r.row_number and m.sheet_key = hash(r.sheet_name)
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

load_people as (
    -- the people the load's rows name, stored or rejected, as a person's name is shaped (a surname, then one to three
    -- characters): another's name typed into a cell of the row (托冯建国带话 as the method: review 8) is masked too
    select distinct load_id, person
    from (
        select load_id, elder_name as person from roster_rows where load_id in (select load_id from source)
        union all
        select load_id, elder_name from visit_rows where load_id in (select load_id from source)
        union all
        select load_id, visitor_name from visit_rows where load_id in (select load_id from source)
        union all
        select load_id, contact_name from contact_rows where load_id in (select load_id from source)
        union all
        select s.load_id, n.elder_name from names n join source s using (reject_id)
    )
    where regexp_full_match(person, cv_surname() || '\p{Han}{1,3}')
),

people_in_cells as (
    -- the names each cell holds (cv_name_pieces), the longer first
    select reject_id, header, list(person order by length(person) desc, person) as people
    from (
        select distinct c.reject_id, c.header, p.person
        from (
            select c.reject_id, c.header, s.load_id, unnest(cv_name_pieces(c.value)) as piece
            from cells c join source s using (reject_id)
            where c.value is not null
        ) c
        join load_people p on p.load_id = c.load_id and p.person = c.piece)
    group by reject_id, header
),

masked as (
    select
        c.reject_id,
        -- the elder's name masked first, and anyone else's the load names: a note shown by its first words must not
        -- show theirs
        '{' || string_agg(to_json(c.header) || ': ' || to_json(cv_mask_field(f.field, cv_mask_people(
                              cv_mask_name_in(c.value, n.elder_name), p.people))), ', '
                          order by c.position) || '}' as raw_values
    from cells c
    left join reject_header_fields f using (kind, header)
    left join names n using (reject_id)
    left join people_in_cells p using (reject_id, header)
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
