-- one row per elder per month per place where they counted at the end of the month before or now,
-- or were due a home visit last month or this month: 底册变动 and why 月探访率 (上门) moved, person by person
with level_moves as (
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
        elder_id,
        before_code as code,
        true as was_counted,
        false as is_counted,
        null as joined_reason,
        case when not (is_special_at_end and now_code = before_code) then
            case when is_special_at_end then 'moved_to' else left_reason end
        end as left_reason
    from level_moves
    where was_special
    union all
    select
        month_start,
        elder_id,
        now_code,
        false,
        true,
        case when not (was_special and before_code = now_code) then
            case when was_special then 'moved_in' else joined_reason end
        end,
        null
    from level_moves
    where is_special_at_end
),

by_place as (
    select
        month_start,
        elder_id,
        code,
        bool_or(was_counted) as was_counted,
        bool_or(is_counted) as is_counted,
        max(joined_reason) as joined_reason,
        max(left_reason) as left_reason
    from counted
    group by month_start, elder_id, code
),

eligibility as (
    -- who was due a home visit in 月探访率 (上门), at each level
    select m.month_start, m.elder_id, m.visited_home, place.code
    from elder_months m, unnest([m.district_code, m.street_code, m.community_code]) as place(code)
    where m.is_eligible_home
),

eligibility_pairs as (
    -- this month's and last month's, for months whose month before was computed too
    select
        coalesce(n.month_start, cast(p.month_start + interval 1 month as date)) as month_start,
        coalesce(n.elder_id, p.elder_id) as elder_id,
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

compared_pairs as (
    select *
    from eligibility_pairs
    where month_start in (select month_start from month_frame)
        and cast(month_start - interval 1 month as date) in (select month_start from month_frame)
),

final as (
    select
        coalesce(c.month_start, e.month_start) as month_start,
        coalesce(c.code, e.code) as code,
        coalesce(c.elder_id, e.elder_id) as elder_id,
        coalesce(c.was_counted, false) as was_counted,
        coalesce(c.is_counted, false) as is_counted,
        c.joined_reason,
        c.left_reason,
        coalesce(e.was_eligible, false) as was_eligible,
        coalesce(e.is_eligible, false) as is_eligible,
        coalesce(e.visited_before, false) as visited_before,
        coalesce(e.visited_now, false) as visited_now
    from by_place c
    full join compared_pairs e using (month_start, elder_id, code)
)

select * from final
