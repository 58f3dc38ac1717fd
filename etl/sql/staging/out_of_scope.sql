-- Rows of a file sent by a user whose place is $scope (a street's or a community's staff) that lie
-- outside it: rejected with the reason, never stored. A row's place is its community, else its
-- street (contact lists), else, for a visit written with an ID number only, the community the
-- roster lists that person in.
with placed as (
    select
        s.src_id,
        coalesce(
            s.community_code,
            s.street_code,
            (select any_value(r.community_code) from roster_rows r where r.id_number = s.id_number)
        ) as place_code
    from staged s
    where s.reject_reason is null
),

-- each division with the places above it (the stored divisions: a first load has no marts yet)
within as (
    select d.code, [d.code, p.code, g.code] as places
    from divisions d
    left join divisions p on p.code = d.parent_code
    left join divisions g on g.code = p.parent_code
),

final as (
    select p.src_id, '不属于您的辖区 (' || $scope_name || '), 未导入' as reason
    from placed p
    left join within w on w.code = p.place_code
    where w.code is null or not list_contains(w.places, $scope)
)

select * from final
