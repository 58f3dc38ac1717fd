-- a roster's rejected rows (a mistyped ID number …) that name, in their community, an elder the roster in force lists
-- and this one does not: left unfixed, the new roster takes that elder off the list as 去向未说明 (DESIGN §4, roster
-- history), which the clerk is told beside the rejected row's own reason; one line each, the name masked
select '第 ' || s.row_number || ' 行被拒收, 而现行底册中有同名的' || cv_mask_name(s.elder_name)
       || ': 不改正的话, 此人将按去向未说明计为退出' as message
from staged s
join roster_snapshots c on c.community_code = s.community_code and c.next_snapshot_date is null
join roster_rows r on r.load_id = c.load_id and r.community_code = s.community_code and r.elder_name = s.elder_name
where s.reject_reason is not null and s.elder_name is not null
    and r.id_number not in (select id_number from staged where reject_reason is null and id_number is not null)
group by s.row_number, s.elder_name
order by s.row_number
