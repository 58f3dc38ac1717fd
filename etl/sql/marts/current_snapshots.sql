-- one row per street, and per community its contact lists name: the contact list load whose rows are that place's
-- current list. A contact list sent for one community replaces that community's, as a roster does (a community's
-- elders keep their contact people when another community's list comes). A list without a community on any row (a
-- street's, without a 社区 column) is every community's of its street, until a newer list of one of them comes
-- (covers_street); the rows without a community of a list naming communities elsewhere are current while it is its
-- street's newest list (community_code null). (A community's rosters: marts/roster_snapshots.)
with snapshot_loads as (
    select
        load_id,
        -- a file without 填报日期 is taken to be at least as new as everything loaded before it
        coalesce(report_date, max(report_date) over (
            order by load_id rows between unbounded preceding and 1 preceding
        )) as snapshot_date
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
    select pl.street_code, pl.community_code, s.load_id, s.snapshot_date, w.load_id is not null as covers_street
    from place_loads pl
    join snapshot_loads s using (load_id)
    left join street_lists w using (load_id)
    qualify row_number() over (
        partition by pl.street_code, pl.community_code order by s.snapshot_date desc nulls last, s.load_id desc
    ) = 1
)

select * from final
