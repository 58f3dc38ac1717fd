-- Values no mapping recognised within the scope, the most frequent first, with the streets they came from:
-- each is one line to add to a mappings file. Warnings are placed as in warning_counts.sql.
select w.field, w.value, count(*) as occurrence_count, count(distinct w.load_id) as file_count,
       array_to_string(list_sort(list_distinct(list(s.name))), '、') as streets
from load_warnings w
left join place_tree t on t.code = coalesce(w.community_code, w.street_code)
left join place_tree s on s.code = t.street_code
where w.code = 'unknown_value' and in_scope($scope, t.district_code, t.street_code, t.code)
group by w.field, w.value
order by occurrence_count desc, w.field, w.value
