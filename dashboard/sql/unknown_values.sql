-- Values no mapping recognised within the scope, the most frequent first, with the streets they came from:
-- each is one line to add to a mappings file. Warnings are placed as in warning_counts.sql. A visit whose method no
-- mapping knows is rejected rather than warned of (DESIGN §3), its method after the reason's first words
-- (etl.reasons.UNKNOWN_METHOD): listed too, as the line to add is the same
with unknown as (
    select field, value, load_id, street_code, community_code
    from load_warnings where code = 'unknown_value'
    union all
    select 'method', substr(reason, length($unknown_method) + 1), load_id, street_code, community_code
    from rejects where starts_with(reason, $unknown_method)
)
select w.field, w.value, count(*) as occurrence_count, count(distinct w.load_id) as file_count,
       array_to_string(list_sort(list_distinct(list(s.name))), '、') as streets
from unknown w
left join place_tree t on t.code = coalesce(w.community_code, w.street_code)
left join place_tree s on s.code = t.street_code
where in_scope($scope, t.district_code, t.street_code, t.code)
group by w.field, w.value
order by occurrence_count desc, w.field, w.value
