-- The roster in force (DESIGN §4, roster history) of each community that roster load $load_id's notes compare with:
-- one whose people its rejected rows name (staging/rejected_listed), one it says has nobody to list
-- (staging/said_nobody). Ordered as marts/roster_snapshots orders a community's lists (cv_list_order): the people its
-- latest roster lists, or, where its latest says it has nobody (roster_nobody), one row without a person. Read from the
-- stored rows, so that a roster stored earlier in the same command counts and this file (not in `loads` yet) does not.
with communities as (
    select community_code from staged where reject_reason is not null and elder_name is not null
    union
    select community_code from roster_nobody where load_id = $load_id
),

listings as (
    select load_id, community_code, elder_name, id_number
    from roster_rows
    where community_code in (select community_code from communities)
    union all
    select distinct load_id, community_code, null, null
    from roster_nobody
    where community_code in (select community_code from communities)
)

select s.*
from listings s
join loads l using (load_id)
qualify dense_rank() over (partition by s.community_code
                           order by cv_list_order(l.report_date, l.loaded_at, s.load_id) desc) = 1
