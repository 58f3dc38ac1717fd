-- one row per corrected roster row that cannot join the original roster (load $origin): src_id and the reason.
-- A person is on a roster once: an ID number the original already lists. And a roster is its streets' list: a row
-- fixed into a community of another street (the elder moved there) would be a list of that community of one, which
-- the street's own roster of the same day ends or is ended by; that street sends them on its roster.
with streets as (
    -- the original's streets: of the rows it stored, and of those it set aside where they had one
    select distinct d.parent_code as street_code
    from roster_rows r join divisions d on d.code = r.community_code
    where r.load_id = $origin
    union
    select distinct street_code from rejects where origin_load_id = $origin and street_code is not null
),

listed as (
    select s.src_id, '身份证号与原文件第 ' || min(r.row_number) || ' 行相同' as reason
    from staged s
    join roster_rows r on r.load_id = $origin and r.id_number = s.id_number
    where s.reject_reason is null
    group by s.src_id
),

moved as (
    select s.src_id,
        '社区改成了另一个街道的 ' || c.short_name || ' (' || t.name || '), 不在原文件的街道: '
            || '此人请由该街道在其底册中报送' as reason
    from staged s
    join divisions c on c.code = s.community_code
    join divisions t on t.code = c.parent_code
    where s.reject_reason is null and c.parent_code not in (select street_code from streets)
        and exists (select 1 from streets)
),

final as (
    select src_id, min(reason) as reason from (from listed union all from moved) group by src_id
)

select * from final
