-- one row per loaded file: what the Data screen and exports show of the load history, the place it
-- belongs to (load_places), and how many of its rejected rows still wait for a correction (退回修改)
with waiting as (
    select origin_load_id as load_id, count(*) as waiting_count
    from rejects
    where resolved_by is null
    group by origin_load_id
),

final as (
    select l.load_id, l.file_name, l.kind, l.loaded_at, l.rows_read, l.rows_loaded, l.rows_rejected,
        l.warning_count, l.report_date, p.place_code,
        k.origin_load_id,                                    -- a corrections workbook: the load it corrects
        coalesce(w.waiting_count, 0)::integer as waiting_count  -- its rows still waiting for a correction
    from loads l
    join load_places p using (load_id)
    left join corrections k using (load_id)
    left join waiting w using (load_id)
)

select * from final
