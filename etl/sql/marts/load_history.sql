-- one row per loaded file: what the Data screen and exports show of the load history, and the place
-- it belongs to (load_places)
with final as (
    select l.load_id, l.file_name, l.kind, l.loaded_at, l.rows_read, l.rows_loaded, l.rows_rejected,
        l.warning_count, l.report_date, p.place_code
    from loads l
    join load_places p using (load_id)
)

select * from final
