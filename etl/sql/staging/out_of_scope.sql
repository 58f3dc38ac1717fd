-- Each row of a file sent by a user whose place is $scope (a street's or a community's staff), with why it lies
-- outside that place (null: within it). Rows outside are rejected with the reason, never stored as data; a file
-- with no row within is refused (ingest._reject_out_of_scope). A row's place is its community, else its street
-- (contact lists), else, for a visit written with an ID number only, the community the roster lists that person
-- in. A visit or contact naming a person by ID number also needs that person where the rosters last list them
-- (the latest snapshot) to lie within the place: a visit typed in one's own community with another street's
-- elder's ID would count for that street. (A roster may list a person another street listed before: that is how
-- a move is told; the changes screen shows it to both.)
with listed as (
    select r.id_number, arg_max(r.community_code, (coalesce(l.report_date, l.loaded_at::date), r.load_id)) as code
    from roster_rows r
    join loads l using (load_id)
    where $kind <> 'roster' and r.id_number in (select id_number from staged where id_number is not null)
    group by r.id_number
),

placed as (
    select s.src_id, coalesce(s.community_code, s.street_code, l.code) as place_code, l.code as listed_code
    from staged s
    left join listed l using (id_number)
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
            when w.code is null or not list_contains(w.places, $scope)
                then '不属于您的辖区 (' || $scope_name || '), 未导入'
            when p.listed_code is not null and not coalesce(list_contains(l.places, $scope), false)
                then '此人在底册中不属于您的辖区 (' || $scope_name || '), 未导入: 请由其所在街道导入'
        end as reason
    from placed p
    left join within w on w.code = p.place_code
    left join within l on l.code = p.listed_code
)

select * from final
