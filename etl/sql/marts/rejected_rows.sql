-- one row per rejected source row, without its raw cells (they hold unmasked personal data), its sheet's name masked
-- (a sheet may be named by its elder), with the place its file belongs to (load_places), the load whose row it is
-- (origin_load_id), the row's own place where it is known (row_place_code: its community, else its street; a
-- community's rows in its street's file are that community's staff's to correct too), and whether it still waits
-- for a correction (退回修改), and if not, why (status): the one rule the Data page, `carevisit rejects` and the
-- corrections workbook follow (corrections.CORRECTED says 'corrected' again for a load, the marts not yet rebuilt)
with source as (
    select r.*, p.place_code,
        case
            -- while it matters: not once a newer roster replaced its file (load_history's waiting_count)
            when r.resolved_by is null and h.waiting_count > 0 then 'waiting'
            when r.resolved_by is null then 'superseded'
            -- a corrections workbook's row that claims no row waiting: its reason says what to do (原行号 changed …)
            when r.resolved_by = r.load_id and r.load_id in (select load_id from corrections) then 'not_loaded'
            when r.resolved_by = r.load_id then 'nothing_to_fix'  -- a repeat of a row stored, a voided record
            -- rejected again by the corrections workbook that took it over (where it waits in its place), or by a
            -- file that sent it again on the same row (ingest._take_over_resent_rows)
            when exists (select 1 from rejects again
                         where again.load_id = r.resolved_by and again.origin_row = r.origin_row
                             and (again.sheet_name is not distinct from r.sheet_name
                                  or again.origin_load_id = again.load_id))
                then 'rejected_again'
            else 'corrected'
        end as status
    from rejects r
    join load_places p using (load_id)
    left join load_history h on h.load_id = r.origin_load_id
),

final as (
    select load_id, file_name, cv_mask_sheet_name(sheet_name) as sheet_name, row_number, reason, place_code,
        status = 'waiting' as is_waiting, status, resolved_by, origin_load_id,
        coalesce(community_code, street_code) as row_place_code,
        hash(sheet_name) as sheet_key  -- the row's sheet, for a reader of the rejects table (exports/rejected_rows)
    from source
)

select * from final
