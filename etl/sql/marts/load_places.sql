-- one row per load: the smallest place that holds every row it stored, every row it rejected where the row's
-- place is known (not one outside the place of the staff who sent it) and every warning it placed, so that a
-- user sees a file's history and rejected rows only when the whole file is within their place. A file with
-- nothing placed belongs to the warehouse's only district, else to all.
with row_places as (
    select load_id, community_code as code from roster_rows
    union all
    select load_id, community_code from roster_nobody
    union all
    select load_id, community_code from visit_rows where community_code is not null
    union all
    -- a visit whose file names no community: where its elder lives (joined for these rows only)
    select v.load_id, e.community_code
    from visit_rows v left join elders e on e.elder_id = v.id_number
    where v.community_code is null
    union all
    select load_id, coalesce(community_code, street_code) from contact_rows
    union all
    select load_id, coalesce(community_code, street_code) from load_warnings
    union all
    select load_id, coalesce(community_code, street_code) from rejects
),

placed as (
    select r.load_id, t.code, t.level, t.street_code, t.district_code
    from (select distinct load_id, code from row_places where code is not null) r
    join place_tree t on t.code = r.code
),

covering as (
    select
        load_id,
        case
            when count(distinct code) = 1 then any_value(code)
            when count(distinct coalesce(street_code, code)) = 1 and count(street_code) = count(*)
                then any_value(street_code)
            when count(distinct district_code) = 1 then any_value(district_code)
        end as place_code
    from placed
    group by load_id
),

only_district as (
    select case when count(*) = 1 then any_value(code) end as code from place_tree where level = 'district'
),

own as (
    select l.load_id, coalesce(c.place_code, d.code, 'all') as place_code
    from loads l
    left join covering c using (load_id)
    cross join only_district d
),

final as (
    -- a corrections workbook belongs where the file it corrects does (its fixed rows are stored there)
    select o.load_id, coalesce(origin.place_code, o.place_code) as place_code
    from own o
    left join corrections k using (load_id)
    left join own origin on origin.load_id = k.origin_load_id
)

select * from final
