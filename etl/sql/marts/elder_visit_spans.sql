-- one row per elder and street with a visit on record (any method or outcome): the first and the latest visit date
-- and the number of visits the street's records hold. What marts/street_records and marts/street_freshness sum up by
-- street, kept per elder so that a load recomputes only its elders' rows. A visit is the records' of the street
-- whose community its file names (a visit another street made before the elder moved in is that street's: review 9
-- M2, it had begun the new street's records months early), else of the elder's street
with final as (
    select v.elder_id, coalesce(c.parent_code, e.street_code) as street_code, min(v.visit_date) as first_visit_date,
           max(v.visit_date) as latest_visit_date, count(*) as visit_count
    from visits v
    left join divisions c on c.code = v.visit_community_code and c.level = 'community'
    left join elders e using (elder_id)
    where v.elder_id is not null
    group by v.elder_id, coalesce(c.parent_code, e.street_code)
)

select * from final
