-- one row per loaded file: what the Data screen and exports show of the load history, the place it
-- belongs to (load_places), and how many of its rejected rows still wait for a correction (退回修改;
-- none once a newer roster replaces it)
with waiting as (
    select origin_load_id as load_id, count(*) as waiting_count
    from rejects
    where resolved_by is null
    group by origin_load_id
),

superseded as (
    -- rosters that no community holds in force any more: their rows waiting for a correction no longer
    -- count (the newer roster lists those people as it should)
    select load_id from roster_snapshots group by load_id having bool_and(next_snapshot_date is not null)
),

final as (
    select l.load_id, l.file_name, l.kind, l.loaded_at, l.rows_read, l.rows_loaded, l.rows_rejected,
        l.warning_count, l.report_date, p.place_code,
        k.origin_load_id,                                    -- a corrections workbook: the load it corrects
        -- its rows still waiting for a correction, while they matter
        case when s.load_id is null then coalesce(w.waiting_count, 0) else 0 end::integer as waiting_count
    from loads l
    join load_places p using (load_id)
    left join corrections k using (load_id)
    left join waiting w using (load_id)
    left join superseded s using (load_id)
)

select * from final
