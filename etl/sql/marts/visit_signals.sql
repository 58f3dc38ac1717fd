-- one row per piece of evidence of a visit-quality signal (督查线索, DESIGN §4): a visit record, or for
-- phone_only an elder-month. Rows of one lead share its lead_key. These are leads for an inspector
-- to check, never findings. Thresholds: cfg_visit_quality (the [visit_quality] settings).
--   daily_home_visits  one visitor (by name, within a street) with more home visits in a day than the limit
--   after_exit         a successful visit dated after the elder's death (any method) or exit (at home)
--   identical_notes    one visitor writing the same note on the visits of many elders in a month,
--                      a note that few visitors write (a template everybody uses is no copy)
--   gps_far            a home visit recorded far from where the elder's other home visits were
--   phone_only         an elder due a home visit every month who had only calls for months in a row
--   late_entry         a visit entered (录入时间) more than late_entry_days after its date; the visits one
--                      visitor entered on one day make one lead (a batch typed in at once)
-- Most visits are evidence of nothing. Each signal's candidate visits are found first from what it counts,
-- without placing them (a superset of its evidence), and only those are placed where their elder lives and
-- read whole (`located`): placing all of a province's 30 M visits with every column, to count a few thousand
-- evidence rows, took 150 CPU-s and spilled 34 GB within the load's 1 GB.
with q as (
    select * from cfg_visit_quality
),

communities as (
    select code, district_code, street_code from place_tree where level = 'community'
),

note_keys as (
    -- each distinct note compared once, as people's words are compared (spaces, full-width forms)
    select findings, note_key
    from (
        select findings, cv_word_key(findings) as note_key
        from (select distinct findings from visit_rows where findings is not null and visitor_name is not null)
    )
    where length(note_key) >= (select identical_notes_min_chars from q)
),

every_elder_placed as (
    -- no elder lives in a community missing from the divisions (whose visits would then go unplaced)
    select not exists (
        select 1 from elders
        where community_code is not null and community_code not in (select code from communities)
    ) as holds
),

surely_common_notes as (
    -- a note more visitors wrote than common_note_visitors, counted on visits whose own file names a known
    -- community (each placed, so each visitor counts at least once below): a template, never a copy
    select n.note_key
    from visit_rows v
    join note_keys n using (findings)
    where v.visitor_name is not null
        and v.community_code in (select code from communities)
        and (select holds from every_elder_placed)
    group by n.note_key
    having count(distinct v.visitor_name) > (select common_note_visitors from q)
),

other_notes as (
    -- the notes that may be copies: every visit of theirs is a candidate, so their counts below are whole
    select findings from note_keys
    where note_key not in (select note_key from surely_common_notes)
),

busy_candidates as (
    -- a visitor's home visits in a day in every street together: more than the limit in one street needs more
    select visitor_name, visit_date
    from visit_rows
    where method = '上门' and visitor_name is not null
    group by visitor_name, visit_date
    having count(*) > (select home_visits_per_day_limit from q)
),

exits as (
    select elder_id, exit_date from elders where exit_date is not null
),

candidates as (
    -- the visits that can be evidence, or that a signal counts: one pass over the visits
    select v.*
    from visits v
    left join busy_candidates b
        on b.visitor_name = v.visitor_name and b.visit_date = v.visit_date and v.method = '上门'
    left join exits x on x.elder_id = v.elder_id
    left join other_notes o on o.findings = v.findings and v.visitor_name is not null
    where b.visit_date is not null
        or (v.visit_date > x.exit_date and v.is_successful)
        or o.findings is not null
        or (v.is_home_visit and v.latitude is not null and v.longitude is not null and v.elder_id is not null)
        or date_diff('day', v.visit_date, cast(v.entered_at as date)) > (select late_entry_days from q)
),

located as (
    -- each candidate where its elder lives (as their newest roster has them), else where its file says
    select
        v.elder_id, v.visit_at, v.visit_date, v.method, v.outcome, v.is_successful, v.is_home_visit,
        v.visitor_name, v.findings, v.latitude, v.longitude, v.entered_at, v.load_id, v.source_row_number,
        date_trunc('month', v.visit_date)::date as month_start,
        t.code as place_code,
        e.elder_name_masked,
        e.status as elder_status,
        e.exit_date,
        t.district_code,
        t.street_code
    from candidates v
    -- the candidates' elders only: a hash table of a province's 6 M elders cost more than the join
    left join (from elders where elder_id in (select elder_id from candidates)) e on e.elder_id = v.elder_id
    join communities t on t.code = coalesce(e.community_code, v.visit_community_code)
),

busy_days as (
    select street_code, visitor_name, visit_date, count(*) as visit_count
    from located
    where method = '上门' and visitor_name is not null
    group by street_code, visitor_name, visit_date
    having count(*) > (select home_visits_per_day_limit from q)
),

daily_home_visits as (
    select 'daily_home_visits' as signal,
           md5(concat_ws('|', 'daily', l.street_code, l.visitor_name, l.visit_date)) as lead_key,
           b.visit_count::double as measure, l.*
    from located l
    join busy_days b using (street_code, visitor_name, visit_date)
    where l.method = '上门'
),

after_exit as (
    select 'after_exit' as signal, md5(concat_ws('|', 'exit', elder_id)) as lead_key,
           date_diff('day', exit_date, visit_date)::double as measure, *
    from located
    where exit_date is not null and visit_date > exit_date and is_successful
        and (elder_status = '死亡' or is_home_visit)
),

notes as (
    -- who wrote which note on whose visit in which month: only what a cluster is counted from
    select l.street_code, l.visitor_name, l.month_start, l.elder_id, n.note_key
    from located l
    join note_keys n using (findings)
    where l.visitor_name is not null
),

common_notes as (
    select note_key
    from notes
    group by note_key
    having count(distinct (street_code, visitor_name)) > (select common_note_visitors from q)
    union
    select note_key from surely_common_notes
),

note_clusters as (
    select street_code, visitor_name, note_key, month_start, count(distinct elder_id) as elder_count
    from notes
    where note_key not in (select note_key from common_notes)
    group by street_code, visitor_name, note_key, month_start
    having count(distinct elder_id) >= (select identical_notes_min_visits from q)
),

cluster_notes as (
    -- the notes' words as written, for each cluster: few, so its visits are found in one pass
    select c.*, n.findings
    from note_clusters c
    join note_keys n using (note_key)
),

identical_notes as (
    select 'identical_notes' as signal,
           md5(concat_ws('|', 'notes', c.street_code, c.visitor_name, c.note_key, c.month_start)) as lead_key,
           c.elder_count::double as measure, l.*
    from located l
    join cluster_notes c using (street_code, visitor_name, month_start, findings)
),

points as (
    select * from located
    where is_home_visit and latitude is not null and longitude is not null and elder_id is not null
),

usual_places as (
    select elder_id, median(latitude) as usual_latitude, median(longitude) as usual_longitude
    from points
    group by elder_id
    having count(*) >= (select gps_min_points from q)
),

distances as (
    -- great-circle distance (haversine, km) from the median of the elder's home-visit points
    select p.*, 2 * 6371.0 * asin(sqrt(
        pow(sin(radians(p.latitude - u.usual_latitude) / 2), 2)
        + cos(radians(p.latitude)) * cos(radians(u.usual_latitude))
          * pow(sin(radians(p.longitude - u.usual_longitude) / 2), 2))) as distance_km
    from points p
    join usual_places u using (elder_id)
),

gps_far as (
    select 'gps_far' as signal, md5(concat_ws('|', 'gps', elder_id, visit_at)) as lead_key,
           round(distance_km, 1) as measure, * exclude (distance_km)
    from distances
    where distance_km > (select gps_distance_km from q)
),

late_entry as (
    select 'late_entry' as signal,
           md5(concat_ws('|', 'late', street_code, coalesce(visitor_name, ''), cast(entered_at as date))) as lead_key,
           date_diff('day', visit_date, cast(entered_at as date))::double as measure, *
    from located
    where date_diff('day', visit_date, cast(entered_at as date)) > (select late_entry_days from q)
),

phone_months as (
    -- elder-months due a home visit with calls (video, online …) but no home visit
    select m.*, year(m.month_start) * 12 + month(m.month_start) as month_index
    from elder_months m
    where m.is_eligible_home and not m.visited_home and m.visited_any
),

phone_runs as (
    select *, month_index - row_number() over (partition by elder_id order by month_index) as run
    from phone_months
),

phone_streaks as (
    select *,
           row_number() over (partition by elder_id, run order by month_index) as months_in_row,
           min(month_start) over (partition by elder_id, run) as run_start
    from phone_runs
),

phone_only as (
    select 'phone_only' as signal, md5(concat_ws('|', 'phone', elder_id, run_start)) as lead_key,
           months_in_row::double as measure, elder_id, month_start, community_code, street_code, district_code,
           elder_name_masked
    from phone_streaks
    where months_in_row >= (select phone_only_months from q)
),

visit_evidence as (
    select * from daily_home_visits
    union all by name select * from after_exit
    union all by name select * from identical_notes
    union all by name select * from gps_far
    union all by name select * from late_entry
),

final as (
    select signal, lead_key, measure, month_start, district_code, street_code, place_code as community_code,
           elder_id, elder_name_masked, visit_date, visit_at, method, outcome,
           cv_mask_name(visitor_name) as visitor_name_masked,
           -- the note is the evidence of a copy only; digit runs (phones, IDs) masked as everywhere
           case when signal = 'identical_notes' then cv_mask_free_text(findings) end as note_masked,
           elder_status, exit_date, entered_at, load_id, source_row_number
    from visit_evidence
    union all by name
    select signal, lead_key, measure, month_start, district_code, street_code, community_code,
           elder_id, elder_name_masked
    from phone_only
)

select * from final
