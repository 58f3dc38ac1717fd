-- one row per rejected source row, without its raw cells (they hold unmasked personal data), its sheet's name masked
-- (a sheet may be named by its elder), with the place its file belongs to (load_places) and whether it still waits
-- for a correction (退回修改), the load whose row it is (origin_load_id) and the row's own place where it is known
-- (row_place_code: its community, else its street; a community's rows in its street's file are that community's
-- staff's to correct too)
with final as (
    select r.load_id, r.file_name, cv_mask_sheet_name(r.sheet_name) as sheet_name, r.row_number, r.reason, p.place_code,
        r.resolved_by is null as is_waiting, r.origin_load_id, coalesce(r.community_code, r.street_code) as row_place_code
    from rejects r
    join load_places p using (load_id)
)

select * from final
