-- The place's 底册变动 in $month (the districts' summed at the root): one row, none without data.
-- The rate moves are null for the first month computed (no month before it): summed, they stay null.
select
    c.month, any_value(c.as_of) as as_of,
    sum(c.special_before)::bigint as special_before,
    sum(c.special_now)::bigint as special_now,
    sum(c.joined_registered)::bigint as joined_registered,
    sum(c.joined_marked)::bigint as joined_marked,
    sum(c.joined_turned_80)::bigint as joined_turned_80,
    sum(c.joined_moved_in)::bigint as joined_moved_in,
    sum(c.left_died)::bigint as left_died,
    sum(c.left_moved_out)::bigint as left_moved_out,
    sum(c.left_institution)::bigint as left_institution,
    sum(c.left_away)::bigint as left_away,
    sum(c.left_unmarked)::bigint as left_unmarked,
    sum(c.left_unexplained)::bigint as left_unexplained,
    sum(c.left_moved_to)::bigint as left_moved_to,
    sum(c.joined_count)::bigint as joined_count,
    sum(c.left_count)::bigint as left_count,
    sum(c.stayed_count)::bigint as stayed_count,
    sum(c.stayed_visited_before)::bigint as stayed_visited_before,
    sum(c.stayed_visited_now)::bigint as stayed_visited_now,
    sum(c.joined_eligible)::bigint as joined_eligible,
    sum(c.joined_visited)::bigint as joined_visited,
    sum(c.left_eligible)::bigint as left_eligible,
    sum(c.left_visited_before)::bigint as left_visited_before,
    sum(c.stayed_visited_before_only)::bigint as stayed_visited_before_only,
    sum(c.stayed_visited_now_only)::bigint as stayed_visited_now_only
from place_changes c join place_tree t using (code)
where c.month = $month
    and is_target($level, $code, t.level, t.code)
    and in_scope($scope, t.district_code, t.street_code, t.code)
group by c.month
