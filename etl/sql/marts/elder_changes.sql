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

eligibility as (
    -- who was due a home visit in 月探访率 (上门), at each level
    select m.month_start, m.elder_id, m.visited_home, place.code
    from elder_months m, unnest([m.district_code, m.street_code, m.community_code]) as place(code)
    where m.is_eligible_home
),

eligibility_pairs as (
    -- this month's and last month's, for months whose month before was computed too: each month's row
    -- once as itself and once as the next month's month before
    select month_start, elder_id, code, false as was_eligible, true as is_eligible,
           false as visited_before, visited_home as visited_now
    from eligibility
    union all
    select cast(month_start + interval 1 month as date), elder_id, code, true, false, visited_home, false
    from eligibility
),

compared_pairs as (
    select *
    from eligibility_pairs
    where month_start in (select month_start from month_frame)
        and cast(month_start - interval 1 month as date) in (select month_start from month_frame)
),

changed as (
    -- why each elder joined or left at a place: few rows (an aggregate of text does not spill to disk)
    select month_start, code, elder_id, max(joined_reason) as joined_reason, max(left_reason) as left_reason
    from counted
    where joined_reason is not null or left_reason is not null
    group by month_start, code, elder_id
),

flags as (
    -- each elder's rows at a place in a month, of either kind, as one: an aggregate, which spills to disk
    -- where a province's full outer joins ran out of memory
    select
        month_start,
        code,
        elder_id,
        bool_or(was_counted) as was_counted,
        bool_or(is_counted) as is_counted,
        bool_or(was_eligible) as was_eligible,
        bool_or(is_eligible) as is_eligible,
        bool_or(visited_before) as visited_before,
        bool_or(visited_now) as visited_now
    from (
        select month_start, code, elder_id, was_counted, is_counted,
               false as was_eligible, false as is_eligible, false as visited_before, false as visited_now
        from counted
        union all
        select month_start, code, elder_id, false, false, was_eligible, is_eligible, visited_before, visited_now
        from compared_pairs
    )
    group by month_start, code, elder_id
),

final as (
    select
        f.month_start,
        f.code,
        f.elder_id,
        f.was_counted,
        f.is_counted,
        c.joined_reason,
        c.left_reason,
        f.was_eligible,
        f.is_eligible,
        f.visited_before,
        f.visited_now
    from flags f
    left join changed c using (month_start, code, elder_id)
)

select * from final
