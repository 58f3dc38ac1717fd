-- one row per visit that can be evidence of a visit-quality signal (visit_signals), or that a signal counts,
-- where its elder lives: what visit_signals counts its leads from. Most visits are evidence of nothing. Each
-- signal's candidate visits are found first from what it counts, without placing them (a superset of its
-- evidence), and only those are placed where their elder lives and read whole (`located`): placing all of a
-- province's 30 M visits with every column, to count a few thousand evidence rows, took 150 CPU-s and spilled
-- 34 GB within the load's 1 GB. A publish computes the rows of only the visits its loads can change
-- (etl/build.py: its elders', its loads', those of a note that became or stopped being a template, and the
-- home visits of the days its loads' home visits fall on).
with q as (
    select * from cfg_visit_quality
),

communities as (
    select code, district_code, street_code from place_tree where level = 'community'
),

other_notes as (
    -- the notes that may be copies: every visit of theirs is a candidate, so their counts in visit_signals are whole
    select findings from signal_notes where not is_surely_common
),

busy_candidates as (
    select visitor_name, visit_date from signal_busy_days
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
)

select * from located
