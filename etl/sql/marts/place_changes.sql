-- one row per place per month: 底册变动, special-difficulty elders at the end of the month before and
-- now, who joined and who left and why, and why 月探访率 (上门) moved
with settings as (
    select * from cfg_settings
),

level_moves as (
    -- each elder at each level: where they counted at the end of the month before and where now
    select
        m.month_start,
        m.elder_id,
        m.was_special,
        m.is_special_at_end,
        m.joined_reason,
        m.left_reason,
        place.before_code,
        place.now_code
    from elder_months m,
        unnest([
            {'before_code': m.start_district_code, 'now_code': m.district_code},
            {'before_code': m.start_street_code, 'now_code': m.street_code},
            {'before_code': m.start_community_code, 'now_code': m.community_code}
        ]) as level(place)
    where m.was_special or m.is_special_at_end
),

counted as (
    -- a move inside a place is no change at that place's level
    select
        month_start,
        before_code as code,
        1 as before_count,
        0 as now_count,
        null as joined_reason,
        case when not (is_special_at_end and now_code = before_code) then
            case when is_special_at_end then 'moved_to' else left_reason end
        end as left_reason
    from level_moves
    where was_special
    union all
    select
        month_start,
        now_code,
        0,
        1,
        case when not (was_special and before_code = now_code) then
            case when was_special then 'moved_in' else joined_reason end
        end,
        null
    from level_moves
    where is_special_at_end
),

people as (
    select
        month_start,
        code,
        sum(before_count)::bigint as special_before,
        sum(now_count)::bigint as special_now,
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
    from counted
    group by month_start, code
),

eligibility as (
    -- who was in 月探访率 (上门) at each level, last month and this month
    select
        m.month_start,
        m.elder_id,
        m.visited_home,
        place.code
    from elder_months m, unnest([m.district_code, m.street_code, m.community_code]) as place(code)
    where m.is_eligible_home
),

pairs as (
    select
        coalesce(n.month_start, cast(p.month_start + interval 1 month as date)) as month_start,
        coalesce(n.code, p.code) as code,
        p.elder_id is not null as was_eligible,
        n.elder_id is not null as is_eligible,
        coalesce(p.visited_home, false) as visited_before,
        coalesce(n.visited_home, false) as visited_now
    from eligibility n
    full join eligibility p
        on p.elder_id = n.elder_id and p.code = n.code
        and p.month_start = cast(n.month_start - interval 1 month as date)
),

rate_moves as (
    select
        month_start,
        code,
        count(*) filter (where was_eligible and is_eligible) as stayed_count,
        count(*) filter (where was_eligible and is_eligible and visited_before) as stayed_visited_before,
        count(*) filter (where was_eligible and is_eligible and visited_now) as stayed_visited_now,
        count(*) filter (where is_eligible and not was_eligible) as joined_eligible,
        count(*) filter (where is_eligible and not was_eligible and visited_now) as joined_visited,
        count(*) filter (where was_eligible and not is_eligible) as left_eligible,
        count(*) filter (where was_eligible and not is_eligible and visited_before) as left_visited_before
    from pairs
    -- a month before the first one computed has nobody eligible: no comparison to make
    where month_start in (select month_start from month_frame)
        and cast(month_start - interval 1 month as date) in (select month_start from month_frame)
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
