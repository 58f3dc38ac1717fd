-- one row per elder on a community's latest roster whose attributes contradict the marking (底数不清)
with latest_loads as (
    -- each community's current list
    select community_code, load_id from roster_snapshots where next_snapshot_date is null
),

contradictions as (
    select load_id, row_number, string_agg(message, '; ' order by message) as finding
    from load_warnings
    where code = 'contradiction' and row_number is not null
    group by load_id, row_number
),

final as (
    select
        r.street_code,
        r.community_code,
        cv_mask_name(r.elder_name) as elder_name_masked,
        cv_mask_id(r.id_number) as id_number_masked,
        c.finding,
        l.file_name,
        r.row_number
    from latest_loads x
    join roster_rows r on r.load_id = x.load_id and r.community_code = x.community_code
    join contradictions c on c.load_id = r.load_id and c.row_number = r.row_number
    join loads l on l.load_id = r.load_id
)

select * from final
order by street_code, community_code, row_number
