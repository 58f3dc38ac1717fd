-- one row per loaded file: what the Data screen and exports show of the load history
with final as (
    select load_id, file_name, kind, loaded_at, rows_read, rows_loaded, rows_rejected, warning_count, report_date
    from loads
)

select * from final
