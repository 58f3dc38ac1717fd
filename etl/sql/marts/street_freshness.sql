-- one row per street: how recent its data is (latest visit loaded, current roster and contact list)
with visit_dates as (
    select e.street_code, max(v.latest_visit_date) as latest_visit_date, sum(v.visit_count)::bigint as visit_count
    from elder_visit_spans v
    join elders e using (elder_id)
    group by e.street_code
),

snapshots as (
    select
        s.street_code,
        max(case when s.kind = 'roster' then l.file_name end) as roster_file,
        max(case when s.kind = 'roster' then coalesce(l.report_date, cast(l.loaded_at as date)) end) as roster_date,
        max(case when s.kind = 'contacts' then l.file_name end) as contacts_file,
        max(case when s.kind = 'contacts' then coalesce(l.report_date, cast(l.loaded_at as date)) end) as contacts_date
    from current_snapshots s
    join loads l using (load_id)
    where s.community_code is null  -- the street's newest list of each kind
    group by s.street_code
),

final as (
    select
        d.code as street_code,
        d.name as street_name,
        d.parent_code as district_code,
        v.latest_visit_date,
        coalesce(v.visit_count, 0) as visit_count,
        s.roster_file,
        s.roster_date,
        s.contacts_file,
        s.contacts_date
    from divisions d
    left join visit_dates v on v.street_code = d.code
    left join snapshots s on s.street_code = d.code
    where d.level = 'street'
)

select * from final
