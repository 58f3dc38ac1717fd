-- one row per roster row sent again as it was whose correction is loaded (stg_refixable): the corrected row stored
-- under the load it corrects, on its row, whose values the row takes (ingest._take_corrected_rows). Where that load
-- stored two rows of that number (of two sheets), neither is taken: the row stays rejected, waiting.
with stored as (
    select f.src_id, f.resolved_by, r.* exclude (load_id, row_number)
    from stg_refixable f
    join roster_rows r on r.load_id = f.origin_load_id and r.row_number = f.origin_row
),

final as (
    select * from stored
    qualify count(*) over (partition by src_id) = 1
)

select * from final
