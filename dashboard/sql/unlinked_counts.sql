-- Visits and contact lists' rows that belong to no elder on any roster (unlinked_visits, unlinked_contacts), per
-- street, kind and reason within the scope: how many, in how many files, the latest (a visit's date, a list's); streets
-- in code order, visits before contact lists, the commonest reason first. One without a place is counted only for a
-- user who may see everything (as in warning_counts.sql).
with unlinked as (
    select 'visits' as kind, load_id, visit_date as record_date, reason, district_code, street_code, community_code
    from unlinked_visits
    union all
    select 'contacts', load_id, list_date, reason, district_code, street_code, community_code
    from unlinked_contacts
)

select s.name as street_name, u.kind, u.reason, count(*) as record_count, count(distinct u.load_id) as file_count,
       max(u.record_date) as latest_record_date
from unlinked u
left join place_tree s on s.code = u.street_code
where in_scope($scope, u.district_code, u.street_code, u.community_code)
group by s.code, s.name, u.kind, u.reason
order by s.code nulls last, u.kind desc, record_count desc, u.reason
