-- Special-difficulty elders of the place in $month, masked, with their visits, due dates and flags;
-- narrowed by the optional filters ($work_list: overdue or 本月未访; $category; $risk levels;
-- $open_problems; $due_within: due within that many days of the as-of date, overdue included: a street's visits
-- of this week), the most urgent first, at most $limit: those who declined visits after those staff can visit
-- (counted overdue as DESIGN §4 says, and said to have declined; they had headed every street's list); of open
-- problems, those open longest.
select
    m.elder_name_masked as name, m.id_number_masked as id_number, m.phone_masked as phone,
    s.short_name as street, c.short_name as community, e.visitor_name_masked as visitor, m.age,
    m.month_categories as categories, m.risk_level,  -- each it held in the month, as its counts by category count
    m.last_visit_date, m.last_visit_method, m.last_home_visit_date,
    -- someone who left is due for nothing: no due date, no overdue days
    case when m.is_active_at_as_of then m.due_date end as due_date,
    case when m.is_active_at_as_of then m.overdue_days end as overdue_days,
    m.is_overdue, m.is_not_visited_this_month, m.has_open_problem, m.last_visit_outcome, m.consent,
    m.is_eligible_home, m.visited_home, m.exited_in_month as has_left, m.exit_date, m.is_never_home_visited,
    -- of a street that has sent no visit records at all: the clock runs from the district's first (review 13 L2)
    r.street_code is null as street_sent_no_visits,
    m.open_problem_since, m.open_problem_days, m.open_problem_is_emergency,
    m.elder_id  -- never shown or sent to the browser: it is the ID number (for `unmasked`, on the server)
from elder_months m
join month_frame f on f.month_start = m.month_start
join place_tree t on t.code = m.community_code
join place_tree s on s.code = m.street_code
join place_tree c on c.code = m.community_code
left join street_records r on r.street_code = m.street_code
left join elders e on e.elder_id = m.elder_id  -- their assigned visitor (包联人) as the newest roster names them
where f.month = $month
    and in_scope($scope, t.district_code, t.street_code, t.code)
    and (m.is_special_in_month or (m.is_special and m.is_active_at_as_of))
    -- the one column of elder_months that holds a place of the target's level: with $level known it
    -- folds to one comparison, so that DuckDB skips the row groups of other places (elder_months is
    -- stored sorted by place)
    and ($level = 'root'
        or $level = 'district' and m.district_code = $code
        or $level = 'street' and m.street_code = $code
        or $level = 'community' and m.community_code = $code)
    and (not $work_list or m.is_overdue or m.is_not_visited_this_month)
    and ($category is null or list_contains(m.month_categories, $category))
    and ($risk is null or list_contains($risk, m.risk_level))
    and (not $open_problems or m.is_open_problem)
    and ($due_within is null or m.due_date <= f.as_of + $due_within::integer)
order by m.exited_in_month, m.consent is not distinct from '不同意',
         -- the list of open problems: those open longest first
         case when $open_problems then m.open_problem_days end desc nulls last,
         case m.risk_level when '高' then 1 when '中' then 2 else 3 end, m.overdue_days desc,
         m.is_not_visited_this_month desc, s.code, c.code, m.elder_name_masked, m.elder_id
limit $limit
