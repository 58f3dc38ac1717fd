-- one row per alert: what a load changed that needs a look before its figures are trusted, as the clerk is told right
-- after the load (the command line's 请注意, the 导入 page) and as the 数据 page lists it later. A roster's own
-- (roster_alerts: a community left out, many people gone without a status, two lists of one day), and the file
-- warnings that are alerts: rejected rows naming people the roster in force lists (rejected_listed), exits and
-- registrations dated after the list's own date (exit_after_report, registered_after_report; a contact list's
-- 确定日期, set_after_report), no category column
-- (no_category_column), a contact list that leaves out many of the elders the one it replaces named
-- (contacts_dropped), a visit record whose rows name someone else beside a roster elder's ID number (name_differs),
-- or repeat visits another file gave but for a time or a visitor (sent_before), a roster whose rows give a second
-- person its load leaves out (other_people: 配偶姓名), a roster saying there is nobody to list, of no community it
-- names (nobody_unplaced: a community's, nobody_listed, is a warning; the people it takes off the list are
-- roster_alerts' mass_removal), a file of a header alone (no_rows: the wrong file sent, maybe); and a visit record's
-- rows that count for no elder on any roster (unlinked_visits: 底册中无此人, 同名无法区分), by file and street, said
-- while they do: a roster that lists them later links them, and the alert goes (review 11b H1: a load of such rows
-- had been told 导入 5, 警告 0).
-- Each placed where it is, else where its file is (load_places).
select a.load_id, coalesce(a.community_code, a.street_code) as place_code, a.code, a.message
from roster_alerts a

union all

select w.load_id, coalesce(w.community_code, w.street_code, p.place_code), w.code, w.file_name || ': ' || w.message
from load_warnings w
join load_places p using (load_id)
join load_history h using (load_id)
where w.code in ('rejected_listed', 'exit_after_report', 'registered_after_report', 'set_after_report',
                 'no_category_column',
                 'contacts_dropped', 'name_differs', 'sent_before', 'other_people', 'nobody_unplaced', 'no_rows')
    -- (rejected rows whose people would leave the list: said while they wait for a correction, not once corrected
    -- or once a newer roster replaced the file, its rows then 无需修改; review 23: the Data page said both)
    and (w.code <> 'rejected_listed' or h.waiting_count > 0)

union all

-- (and a contact list's rows that help no elder, likewise: of no one on a roster, of a name several share, or of an
-- elder the rosters list elsewhere, marts/unlinked_contacts; probe 32 L3: said of visits, not of contact lists)
select u.load_id, coalesce(u.street_code, p.place_code), u.code,
       l.file_name || ': 第 ' || array_to_string(u.first_rows, '、')
           || case when u.row_count > len(u.first_rows) then ' 等 ' || format('{:,}', u.row_count) || ' 行' else ' 行' end
           || case u.reason
                  when 'same_name' then '的老人没有写身份证号, 而底册中同一社区有同名的几位老人 (同名无法区分): 这些'
                                        || u.what || '不计入任何人, 请补写身份证号后重新导入'
                  when 'other_place' then '的老人在底册中属于其他社区或街道: 这些联系人不计入社区帮扶率, 请由老人所在'
                                          || '社区的联系人名单报送'
                  else '的老人在底册中找不到 (底册中无此人): 这些' || u.what || '暂不计入任何人, 请核对身份证号和姓名, '
                       || '或补报有这些老人的底册' end
from (
    select load_id, street_code, reason, code, what, count(*) as row_count,
           list(source_row_number order by source_row_number)[1:5] as first_rows
    from (select load_id, street_code, reason, source_row_number, 'unlinked_' || reason as code, '探访' as what
          from unlinked_visits
          union all
          select load_id, street_code, reason, source_row_number, 'unlinked_contacts_' || reason, '联系人'
          from unlinked_contacts)
    group by all
) u
join loads l using (load_id)
join load_places p using (load_id)
