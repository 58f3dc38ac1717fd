-- The people behind one count ($group) of place_changes in the place (the districts at the root) in
-- $month, masked, in the community where they counted; for 'joined' and 'left' optionally one $reason.
select m.elder_name_masked as name, m.id_number_masked as id_number, s.short_name as street, p.short_name as community,
       c.joined_reason, c.left_reason,
       case when c.left_reason is not null or (c.was_eligible and not c.is_eligible) then m.exit_date
            when c.joined_reason = 'registered' then m.joined_on
            -- newly marked: the day of the roster that first marked them; turned 80: the birthday (special_since,
            -- the year 1 where the marking's day is not known)
            when c.joined_reason in ('marked', 'turned_80') and year(m.special_since) > 1 then m.special_since
       end as change_date,
       case when c.was_eligible then c.visited_before end as visited_before,
       case when c.is_eligible then c.visited_now end as visited_now
from elder_changes c
join month_frame f on f.month_start = c.month_start
join place_tree t on t.code = c.code
join elder_months m on m.month_start = c.month_start and m.elder_id = c.elder_id
-- who left counted where they were at the month's start
left join place_tree p on p.code = case when c.was_counted and not c.is_counted
                                        then m.start_community_code else m.community_code end
left join place_tree s on s.code = p.street_code
where f.month = $month
    and in_scope($scope, t.district_code, t.street_code, t.code)
    and is_target($level, $code, t.level, c.code)
    -- the groups of dashboard/queries.py CHANGE_GROUPS
    and case $group
        when 'joined' then c.joined_reason is not null
        when 'left' then c.left_reason is not null
        when 'joined_not_visited' then c.is_eligible and not c.was_eligible and not c.visited_now
        when 'joined_visited' then c.is_eligible and not c.was_eligible and c.visited_now
        when 'stayed_lost' then c.was_eligible and c.is_eligible and c.visited_before and not c.visited_now
        when 'stayed_gained' then c.was_eligible and c.is_eligible and c.visited_now and not c.visited_before
        when 'left_visited' then c.was_eligible and not c.is_eligible and c.visited_before
        when 'left_not_visited' then c.was_eligible and not c.is_eligible and not c.visited_before
    end
    and case when $reason is null then true
             when $group = 'joined' then c.joined_reason = $reason
             when $group = 'left' then c.left_reason = $reason
             else true end
order by p.code, m.elder_name_masked, m.id_number_masked
