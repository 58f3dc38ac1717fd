-- one row per rejected source row, without its raw cells (they hold unmasked personal data), its sheet's name masked
-- (a sheet may be named by its elder), with the place its file belongs to (load_places) and whether it still waits
-- for a correction (退回修改)
with final as (
    select r.load_id, r.file_name, cv_mask_sheet_name(r.sheet_name) as sheet_name, r.row_number, r.reason, p.place_code,
        r.resolved_by is null as is_waiting
    from rejects r
    join load_places p using (load_id)
)

select * from final
