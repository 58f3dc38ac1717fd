-- Each row of a file sent by a user whose place is $scope (a street's or a community's staff), with why it lies
-- outside that place (null: within it). Rows outside are rejected with the reason, never stored as data; a file
-- with no row within is refused (ingest._reject_out_of_scope). A row's place is its community, else its street
-- (contact lists), else, for a visit written with an ID number only, the community the roster lists that person
-- in. A row naming a person by ID number also needs the rosters to place that person within it: a visit or a
-- contact where the rosters list them on its day (a visit's date; stg_days), so that a visit typed in one's own
-- community with another street's elder's ID counts for no one; a roster row, where the rosters list them now
-- unless they are listed there as gone, so that staff cannot take another street's elder onto their own roster
-- (the street they left reports 迁出 first, or the district loads the move).
with rosters as (
    -- the listings of the people this file names, each with the day it holds from (its 填报日期, else its load's)
    select r.id_number, r.community_code, r.status, cv_list_date(l.report_date, l.loaded_at) as listed_on,
        cv_list_order(l.report_date, l.loaded_at, r.load_id) as listing_order
    from roster_rows r
    join loads l using (load_id)
    where r.id_number in (select id_number from stg_days where id_number is not null)
),

listed as (
    -- where the rosters list each row's person on its day: the latest listing by then, else (a day before every
    -- roster) the first
    select
        d.src_id,
        coalesce(
            arg_max(r.community_code, r.listing_order) filter (where r.listed_on <= d.on_day),
            arg_min(r.community_code, r.listing_order)) as code,
        coalesce(
            arg_max(r.status, r.listing_order) filter (where r.listed_on <= d.on_day),
            arg_min(r.status, r.listing_order)) as status
    from stg_days d
    join rosters r using (id_number)
    group by d.src_id
),

placed as (
    select s.src_id, coalesce(s.community_code, s.street_code, l.code) as place_code, l.code as listed_code,
        l.status as listed_status
    from staged s
    left join listed l using (src_id)
),

-- each division with the places above it (the stored divisions: a first load has no marts yet)
within as (
    select d.code, [d.code, p.code, g.code] as places
    from divisions d
    left join divisions p on p.code = d.parent_code
    left join divisions g on g.code = p.parent_code
),

final as (
    select
        p.src_id,
        case
            -- another street's row says whose (probe 29 L3: the clerk was not told whose it is, nor who sends it)
            when w.code is not null and not list_contains(w.places, $scope) and o.name is not null
                then '属于' || o.name || ', 不属于您的辖区 (' || $scope_name || '), 未导入: 请由' || o.name || '报送'
            when w.code is null or not list_contains(w.places, $scope)
                then '不属于您的辖区 (' || $scope_name || '), 未导入'
            when p.listed_code is not null and not coalesce(list_contains(l.places, $scope), false)
                 and ($kind <> 'roster' or p.listed_status = '在册')
                then case when $kind = 'roster'
                          then '此人在其他街道的底册中, 未导入: 请原街道先报迁出, 或由区里导入'
                          else '此人在底册中不属于您的辖区 (' || $scope_name || '), 未导入: 请由其所在街道导入' end
        end as reason
    from placed p
    left join within w on w.code = p.place_code
    left join within l on l.code = p.listed_code
    -- whose the row is: its street, or, sent by a community's staff, its community (else its street)
    left join divisions o on o.code = (
        select case when sc.level = 'community' then w.code
                    else (select d.code from divisions d where d.level = 'street' and list_contains(w.places, d.code))
               end
        from divisions sc where sc.code = $scope)
)

select * from final
