-- one row per place per month: 底册变动, special-difficulty elders at the end of the month before and
-- now, who joined and who left and why, and why 月探访率 (上门) moved
with people as (
    select
        month_start,
        code,
        count(*) filter (where was_counted) as special_before,
        count(*) filter (where is_counted) as special_now,
        count(*) filter (where joined_reason = 'registered') as joined_registered,
        count(*) filter (where joined_reason = 'marked') as joined_marked,
        count(*) filter (where joined_reason = 'turned_80') as joined_turned_80,
        count(*) filter (where joined_reason = 'moved_in') as joined_moved_in,
        count(*) filter (where left_reason = 'died') as left_died,
        count(*) filter (where left_reason = 'moved_out') as left_moved_out,
        count(*) filter (where left_reason = 'institution') as left_institution,
        count(*) filter (where left_reason = 'away') as left_away,
        count(*) filter (where left_reason = 'unmarked') as left_unmarked,
        count(*) filter (where left_reason = 'unexplained') as left_unexplained,
        count(*) filter (where left_reason = 'moved_to') as left_moved_to
    from elder_changes
    group by month_start, code
),

rate_moves as (
    select
        month_start,
        code,
        count(*) filter (where was_eligible and is_eligible) as stayed_count,
        count(*) filter (where was_eligible and is_eligible and visited_before) as stayed_visited_before,
        count(*) filter (where was_eligible and is_eligible and visited_now) as stayed_visited_now,
        -- the two ways a stayer moves the rate (visited_now - visited_before nets them out)
        count(*) filter (where was_eligible and is_eligible and visited_before and not visited_now)
            as stayed_visited_before_only,
        count(*) filter (where was_eligible and is_eligible and visited_now and not visited_before)
            as stayed_visited_now_only,
        count(*) filter (where is_eligible and not was_eligible) as joined_eligible,
        count(*) filter (where is_eligible and not was_eligible and visited_now) as joined_visited,
        count(*) filter (where was_eligible and not is_eligible) as left_eligible,
        count(*) filter (where was_eligible and not is_eligible and visited_before) as left_visited_before
    from elder_changes
    -- the first month computed has no month before it to compare with
    where month_start in (
        select month_start from month_frame
        where cast(month_start - interval 1 month as date) in (select month_start from month_frame))
    group by month_start, code
),

final as (
    select
        d.level,
        d.code,
        d.name,
        d.short_name,
        d.parent_code,
        f.month,
        f.month_start,
        f.as_of,
        coalesce(p.special_before, 0) as special_before,
        coalesce(p.special_now, 0) as special_now,
        coalesce(p.joined_registered, 0) as joined_registered,
        coalesce(p.joined_marked, 0) as joined_marked,
        coalesce(p.joined_turned_80, 0) as joined_turned_80,
        coalesce(p.joined_moved_in, 0) as joined_moved_in,
        coalesce(p.left_died, 0) as left_died,
        coalesce(p.left_moved_out, 0) as left_moved_out,
        coalesce(p.left_institution, 0) as left_institution,
        coalesce(p.left_away, 0) as left_away,
        coalesce(p.left_unmarked, 0) as left_unmarked,
        coalesce(p.left_unexplained, 0) as left_unexplained,
        coalesce(p.left_moved_to, 0) as left_moved_to,
        r.stayed_count,
        r.stayed_visited_before,
        r.stayed_visited_now,
        r.stayed_visited_before_only,
        r.stayed_visited_now_only,
        r.joined_eligible,
        r.joined_visited,
        r.left_eligible,
        r.left_visited_before
    from divisions d
    cross join month_frame f
    left join people p on p.month_start = f.month_start and p.code = d.code
    left join rate_moves r on r.month_start = f.month_start and r.code = d.code
)

select
    *,
    joined_registered + joined_marked + joined_turned_80 + joined_moved_in as joined_count,
    left_died + left_moved_out + left_institution + left_away + left_unmarked + left_unexplained + left_moved_to
        as left_count
from final
