-- one row per street: how recent its data is (latest visit loaded, the oldest roster in force, newest contact list)
with visit_dates as (
    -- the visits the street's records hold (marts/elder_visit_spans)
    select street_code, max(latest_visit_date) as latest_visit_date, sum(visit_count)::bigint as visit_count
    from elder_visit_spans
    group by street_code
),

rosters as (
    -- a street's rosters in force (a community's newest each): the oldest of them says how far behind it is
    -- (communities send their own lists: the street's newest file may hold one of them)
    select r.street_code, arg_min(l.file_name, r.snapshot_date) as roster_file, min(r.snapshot_date) as roster_date
    from roster_snapshots r
    join loads l using (load_id)
    where r.next_snapshot_date is null
    group by r.street_code
),

contact_lists as (
    -- the street's newest contact list
    select s.street_code, l.file_name as contacts_file, s.snapshot_date as contacts_date
    from contact_snapshots s
    join loads l using (load_id)
    where s.community_code is null and s.valid_to is null
),

final as (
    select
        d.code as street_code,
        d.name as street_name,
        d.parent_code as district_code,
        v.latest_visit_date,
        coalesce(v.visit_count, 0) as visit_count,
        r.roster_file,
        r.roster_date,
        c.contacts_file,
        c.contacts_date
    from divisions d
    left join visit_dates v on v.street_code = d.code
    left join rosters r on r.street_code = d.code
    left join contact_lists c on c.street_code = d.code
    where d.level = 'street'
)

select * from final
