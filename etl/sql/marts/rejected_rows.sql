-- one row per rejected source row, without its raw cells (they hold unmasked personal data)
with final as (
    select load_id, file_name, sheet_name, row_number, reason
    from rejects
)

select * from final
