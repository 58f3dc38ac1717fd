-- one row per elder per roster snapshot that lists them, with when the listing is in force
with final as (
    select
        r.*,
        s.snapshot_date,
        s.is_baseline,
        -- a snapshot holds from its date until the community's next one; the baseline from always
        case when s.is_baseline then null else s.snapshot_date end as listed_from,
        s.next_snapshot_date as listed_to,
        -- an exit status without its change date counts from the snapshot's date (DESIGN §3)
        case when r.status <> '在册' then coalesce(r.change_date, s.snapshot_date) end
            as exit_date
    from roster_rows r
    join roster_snapshots s using (load_id, community_code)
)

select * from final
