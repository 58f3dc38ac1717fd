-- one row per elder on a community's latest roster whose listing leaves the base numbers unclear (底数不清): attributes
-- that contradict the marking, or the same ID on the current roster of another street (跨街道重复, DESIGN §4) or of
-- another community of the street (跨社区重复: one who moved, still 在册 on the list they left; counted once too)
with latest_loads as (
    -- each community's current list
    select community_code, load_id from roster_snapshots where next_snapshot_date is null
),

current_rows as (
    select r.load_id, r.row_number, r.id_number, r.street_code, r.community_code
    from latest_loads x
    join roster_rows r on r.load_id = x.load_id and r.community_code = x.community_code
    -- (a row that reports the elder gone, 迁出 to the other street, lists no one twice)
    where r.id_number is not null and coalesce(r.status, '在册') = '在册'
),

listed_twice as (
    -- both listings are named, each with where the elder is counted: the street whose snapshot is newer (elders);
    -- the other places in the order of their names, the same in every build
    select a.load_id, a.row_number, a.community_code,
           case when bool_or(b.street_code <> a.street_code) then '跨街道重复' else '跨社区重复' end
           || ': 同一身份证号也在' || string_agg(distinct bs.name || bc.name, '、' order by bs.name || bc.name) || '的底册中, 只计一次, '
           || case when e.community_code <> a.community_code then '计在' || es.name || ec.name
                   when any_value(sa.snapshot_date) > max(sb.snapshot_date) then '计在本社区 (底册较新)'
                   else '计在本社区 (底册日期相同, 按区划代码计在前一个社区)' end as message
    from current_rows a
    join current_rows b on b.id_number = a.id_number and b.community_code <> a.community_code
    join roster_snapshots sa on sa.load_id = a.load_id and sa.community_code = a.community_code
        and sa.next_snapshot_date is null
    join roster_snapshots sb on sb.load_id = b.load_id and sb.community_code = b.community_code
        and sb.next_snapshot_date is null
    join elders e on e.elder_id = a.id_number
    join place_tree bs on bs.code = b.street_code
    join place_tree bc on bc.code = b.community_code
    join place_tree es on es.code = e.street_code
    join place_tree ec on ec.code = e.community_code
    group by a.load_id, a.row_number, a.id_number, e.community_code, a.community_code, es.name, ec.name
),

contradictions as (
    -- by row and community: a workbook of a sheet per community numbers each sheet's rows from its own top, so a
    -- row number alone names a person on every sheet (a finding had been listed for each of them)
    select load_id, row_number, community_code, string_agg(message, '; ' order by message) as finding
    from (
        select load_id, row_number, community_code, message from load_warnings
        where code = 'contradiction' and row_number is not null
        union all
        select load_id, row_number, community_code, message from listed_twice
    )
    group by load_id, row_number, community_code
),

final as (
    select
        r.street_code,
        r.community_code,
        cv_mask_name(r.elder_name) as elder_name_masked,
        cv_mask_id(r.id_number) as id_number_masked,
        c.finding,
        l.file_name,
        r.row_number
    from latest_loads x
    join roster_rows r on r.load_id = x.load_id and r.community_code = x.community_code
    join contradictions c on c.load_id = r.load_id and c.row_number = r.row_number
        and c.community_code is not distinct from r.community_code
    join loads l on l.load_id = r.load_id
)

select * from final
order by street_code, community_code, row_number
