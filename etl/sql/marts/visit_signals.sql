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
-- Computed from the candidate visits, placed (signal_visits), and the notes (signal_notes).
with q as (
    select * from cfg_visit_quality
),

located as (
    select * from signal_visits
),

note_keys as (
    select findings, note_key from signal_notes
),

surely_common_notes as (
    select note_key from signal_notes where is_surely_common
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
    -- elder-months due a home visit with calls (video, online …) but no home visit, of months counted to their end:
    -- a month in progress is no phone-only month yet (probe P: a call on the 1st made one)
    select m.*, year(m.month_start) * 12 + month(m.month_start) as month_index
    from elder_months m
    where m.is_eligible_home and not m.visited_home and m.visited_any and m.as_of >= last_day(m.month_start)
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
