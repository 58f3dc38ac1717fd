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

final as (
    select p.src_id, '不属于您的辖区 (' || $scope_name || '), 未导入' as reason
    from placed p
    left join place_tree t on t.code = p.place_code
    where t.code is null or not ($scope in (t.district_code, t.street_code, t.code))
)

select * from final
