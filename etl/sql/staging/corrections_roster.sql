-- one row per corrected roster row whose ID number the original roster (load $origin) already lists:
-- src_id and the reason (a person is on a roster once)
with final as (
    select s.src_id, '身份证号与原文件第 ' || min(r.row_number) || ' 行相同' as reason
    from staged s
    join roster_rows r on r.load_id = $origin and r.id_number = s.id_number
    where s.reject_reason is null
    group by s.src_id
)

select * from final
