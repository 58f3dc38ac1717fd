-- The evidence of the visit-quality leads (sql/marts/visit_signals.sql) of month $month within $place and
-- the user's $scope: masked, with the file and row each visit came from; by signal, lead, then time.
select
    s.signal,
    s.lead_key,
    s.measure,
    st.short_name as street,
    c.short_name as community,
    s.elder_name_masked as name,
    s.visit_date,
    s.visit_at,
    s.method,
    s.outcome,
    s.visitor_name_masked as visitor,
    s.note_masked as note,
    s.elder_status,
    s.exit_date,
    s.entered_at,
    l.file_name,
    s.source_row_number as row_number
from visit_signals s
join month_frame f on f.month_start = s.month_start
join place_tree t on t.code = s.community_code
join place_tree st on st.code = s.street_code
join place_tree c on c.code = s.community_code
left join loads l on l.load_id = s.load_id
where f.month = $month
    and ($place = 'all' or $place in (t.district_code, t.street_code, t.code))
    and in_scope($scope, t.district_code, t.street_code, t.code)
order by s.signal, s.lead_key, s.visit_at nulls last, c.code
limit $limit
