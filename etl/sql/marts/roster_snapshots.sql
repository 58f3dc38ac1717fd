-- one row per community per roster load: the community's lists in order, each in force until the next. A list of no
-- one is a row of roster_nobody (本社区暂无特殊困难老年人): it ends the listings of the list before it, as a list
-- without them does (DESIGN §4), and the community has sent its roster
with listed as (
    select
        community_code,
        load_id,
        any_value(street_code) as street_code,
        any_value(district_code) as district_code,
        count(*) as elder_count
    from roster_rows
    group by community_code, load_id
    union all
    -- (of a community it places, in a load that lists nobody there: the others are said not counted, as its warning
    -- tells the clerk)
    select distinct n.community_code, n.load_id, n.street_code, n.district_code, 0
    from roster_nobody n
    where n.community_code is not null
        and not exists (select 1 from roster_rows r where r.load_id = n.load_id and r.community_code = n.community_code)
),

dated as (
    -- a roster is dated by its 填报日期, else by the day it was loaded
    select ls.*, cv_list_date(l.report_date, l.loaded_at) as snapshot_date, l.file_name
    from listed ls
    join loads l using (load_id)
),

final as (
    select
        *,
        row_number() over by_date as snapshot_seq,
        -- the first list of a community is its baseline: it holds for every month before it too; of lists of that
        -- first day, the one loaded last (it replaced the others, as a list of a later day replaces: a corrected list
        -- sent again with its date had held only from that date, the one it corrected before it)
        snapshot_date = min(snapshot_date) over (partition by community_code)
            and lead(snapshot_date) over by_date is distinct from snapshot_date as is_baseline,
        lead(snapshot_date) over by_date as next_snapshot_date,
        lag(load_id) over by_date as previous_load_id
    from dated
    window by_date as (partition by community_code order by snapshot_date, load_id)
)

select * from final
