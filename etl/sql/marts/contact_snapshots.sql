-- one row per street, and per community its contact lists name, per contact list load: the place's lists in
-- order, each in force from its date (填报日期, else the day it was loaded) until the place's next one, the first
-- from always, as a community's rosters are (marts/roster_snapshots): a newer list changes no month that ended
-- before its date. A list sent for one community follows that community's lists only (a community's elders keep
-- their contact people when another community's list comes). A list without a community on any row (a street's,
-- without a 社区 column) is every community's of its street, until a newer list of one of them (covers_street);
-- the rows without a community of a list naming communities elsewhere follow the street's lists of any kind
-- (community_code null).
with dated as (
    select load_id, cv_list_date(report_date, loaded_at) as snapshot_date
    from loads
    where kind = 'contacts'
),

street_lists as (
    select load_id from contact_rows group by load_id having count(community_code) = 0
),

place_loads as (
    select distinct street_code, null::varchar as community_code, load_id from contact_rows
    union
    select distinct street_code, community_code, load_id from contact_rows where community_code is not null
    union
    select distinct c.street_code, d.code, c.load_id
    from contact_rows c
    join street_lists w on w.load_id = c.load_id
    join divisions d on d.parent_code = c.street_code and d.level = 'community'
),

final as (
    select
        pl.street_code,
        pl.community_code,
        pl.load_id,
        s.snapshot_date,
        w.load_id is not null as covers_street,
        -- the place's first list is its baseline: it holds before its date too
        case when row_number() over by_date > 1 then s.snapshot_date end as valid_from,
        lead(s.snapshot_date) over by_date as valid_to
    from place_loads pl
    join dated s using (load_id)
    left join street_lists w using (load_id)
    window by_date as (partition by pl.street_code, pl.community_code order by s.snapshot_date, pl.load_id)
)

select * from final
