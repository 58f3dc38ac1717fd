-- one row per roster load and community that needs a look before its figures are trusted
with previous_lists as (
    -- each community snapshot with the one it replaced
    select s.load_id, s.community_code, s.street_code, s.file_name, s.previous_load_id, p.file_name as previous_file,
        s.snapshot_date, p.snapshot_date = s.snapshot_date as same_date
    from roster_snapshots s
    join roster_snapshots p on p.community_code = s.community_code and p.load_id = s.previous_load_id
),

listed_now as (
    -- the communities of a street whose lists in force have each person on the roll (of the street only: a scoped
    -- build reads the rows of its streets)
    select r.street_code, r.id_number, list(distinct r.community_code) as communities
    from roster_rows r
    join roster_snapshots c on c.load_id = r.load_id and c.community_code = r.community_code
    where c.next_snapshot_date is null and (r.status is null or r.status = '在册')
    group by r.street_code, r.id_number
),

dropped as (
    -- people on the replaced list, still on the roster there, whom the newer file leaves out without a status (one it
    -- lists in another of its communities, or another community's list of the street in force lists, has moved there,
    -- not gone: review 9 L1): how many, and who (for renumbered)
    select load_id, community_code, any_value(previous_load_id) as previous_load_id, count(*) as previous_count,
           count(*) filter (where gone) as dropped_count,
           list({'id_number': id_number, 'elder_name': elder_name}) filter (where gone) as gone
    from (
        select n.load_id, n.community_code, n.previous_load_id, o.id_number, o.elder_name,
               r.id_number is null
                   and coalesce(len(list_filter(l.communities, lambda c: c <> n.community_code)), 0) = 0 as gone
        from previous_lists n
        join roster_rows o on o.load_id = n.previous_load_id and o.community_code = n.community_code
        left join (select distinct load_id, id_number from roster_rows) r on r.load_id = n.load_id
            and r.id_number = o.id_number
        left join listed_now l on l.id_number = o.id_number and l.street_code = n.street_code
        where o.status is null or o.status = '在册'
    )
    group by load_id, community_code
),

mass_removals as (
    select
        l.load_id,
        l.street_code,
        l.community_code,
        'mass_removal' as code,
        l.file_name || ': ' || d.place_name || '的名单比上一份 (' || l.previous_file || ') 少了 ' || d.dropped_count
            || ' 人 (占 ' || cast(round(100.0 * d.dropped_count / d.previous_count) as integer) || '%), 且没有填写死亡、迁出等状态,'
            || ' 这些人按去向未说明计为退出: 请核实名单是否完整' as message
    from previous_lists l
    join (select dr.*, v.short_name as place_name from dropped dr join divisions v on v.code = dr.community_code) d
        using (load_id, community_code)
    cross join cfg_settings s
    where d.dropped_count > s.removal_alert_share * d.previous_count
),

unmarked as (
    -- people the replaced list marked special-difficulty (by more than 高龄, which the ID number keeps) and had on the
    -- roll, whom the newer list keeps on the roll marked by nothing that counts: a category column left blank, codes
    -- without their legend (review 13 M2: a whole community's marking gone, its rate 100 %, without a word)
    select n.load_id, n.community_code, count(*) as previous_count,
           count(*) filter (where r.id_number is not null and not r.is_marked) as unmarked_count
    from previous_lists n
    join roster_rows o on o.load_id = n.previous_load_id and o.community_code = n.community_code
    cross join cfg_settings s
    left join (
        select r.load_id, r.id_number, bool_or(list_has_any(r.categories, s.special_categories)) as is_marked
        from roster_rows r
        cross join cfg_settings s
        where r.status is null or r.status = '在册'
        group by r.load_id, r.id_number
    ) r on r.load_id = n.load_id and r.id_number = o.id_number
    where (o.status is null or o.status = '在册')
        and list_has_any(o.categories, list_filter(s.special_categories, lambda c: c <> '高龄'))
        -- (one 高龄 by their age still counts, marked or not: review 15 L1)
        and not (list_contains(s.special_categories, '高龄')
                 and cv_age(o.birth_date, cast(n.snapshot_date as date)) >= s.aged_from)
    group by n.load_id, n.community_code
),

mass_unmarkings as (
    select
        l.load_id,
        l.street_code,
        l.community_code,
        'mass_unmarking' as code,
        l.file_name || ': ' || v.short_name || '的名单仍在册的人中, 有 ' || u.unmarked_count
            || ' 人上一份 (' || l.previous_file || ') 标有特殊困难类别 (占 '
            || cast(round(100.0 * u.unmarked_count / u.previous_count) as integer) || '%), 这一份的类别却是空的或无法识别,'
            || ' 这些人按取消标注计, 不再计入特殊困难老人: 请核实类别一列是否填写完整' as message
    from previous_lists l
    join unmarked u using (load_id, community_code)
    join divisions v on v.code = l.community_code
    cross join cfg_settings s
    where u.unmarked_count >= 2 and u.unmarked_count > s.removal_alert_share * u.previous_count
),

street_files as (
    -- loads that list several communities of a street: the street's own roster
    select load_id, street_code, any_value(file_name) as file_name, max(snapshot_date) as snapshot_date
    from roster_snapshots
    group by load_id, street_code
    having count(*) > 1
),

left_out as (
    -- a community the street listed before but its newer file does not: its older list stays in force
    select
        f.load_id,
        f.street_code,
        c.community_code,
        'community_missing' as code,
        f.file_name || ' 没有列出' || v.short_name || '社区: 该社区仍沿用 ' || c.file_name || ' ('
            || strftime(c.snapshot_date, '%Y-%m-%d') || ') 的名单, 如该社区已撤销或合并请另行说明' as message
    from street_files f
    join roster_snapshots c
        on c.street_code = f.street_code and c.next_snapshot_date is null and c.snapshot_date < f.snapshot_date
    join divisions v on v.code = c.community_code
),

same_day_lists as (
    -- two lists of a community dated the same day (a list and its correction, both 填报日期 10月31日): the one loaded
    -- later is in force, whichever was made later
    select
        l.load_id,
        l.street_code,
        l.community_code,
        'same_date' as code,
        l.file_name || ' 与 ' || l.previous_file || ' 都是' || v.short_name || '社区 ' || strftime(l.snapshot_date, '%Y-%m-%d')
            || ' 的名单, 按后导入的 ' || l.file_name || ' 计: 如应以另一份为准, 请把那份的填报日期改为更晚的日期后重新导入'
            as message
    from previous_lists l
    join divisions v on v.code = l.community_code
    where l.same_date
),

renumbered as (
    -- of those left out, people the newer list lists under another ID number by their name in the community, a number
    -- the replaced list did not have: an ID corrected, counted as one who left (去向未说明) and one who joined, their
    -- month's visits split between the two (review 6, finding 11); said, never guessed
    select d.load_id, d.community_code, count(distinct g.person.id_number) as renumbered_count,
        min(cv_mask_name(g.person.elder_name)) as example
    from dropped d, unnest(d.gone) as g(person)
    join roster_rows r on r.load_id = d.load_id and r.community_code = d.community_code
        and r.elder_name = g.person.elder_name and r.id_number <> g.person.id_number
    where length(g.person.elder_name) >= 2
        and not exists (select 1 from roster_rows k where k.load_id = d.previous_load_id and k.id_number = r.id_number)
    group by d.load_id, d.community_code
),

renumberings as (
    select
        r.load_id,
        l.street_code,
        r.community_code,
        'id_changed' as code,
        l.file_name || ': ' || v.short_name || '社区有 ' || r.renumbered_count || ' 人 (如 ' || r.example
            || ') 与上一份名单 (' || l.previous_file || ') 同名, 身份证号却不同: 如是更正了身份证号, 现按一人退出'
            || ' (去向未说明)、一人新增计, 当月的探访按各自的身份证号计; 请核实' as message
    from renumbered r
    join previous_lists l using (load_id, community_code)
    join divisions v on v.code = r.community_code
),

final as (
    select * from mass_removals
    union all
    select * from mass_unmarkings
    union all
    select * from renumberings
    union all
    select * from left_out
    union all
    select * from same_day_lists
)

select * from final
order by load_id, community_code
