-- one row per alert: what a load changed that needs a look before its figures are trusted, as the clerk is told right
-- after the load (the command line's 请注意, the 导入 page) and as the 数据 page lists it later. A roster's own
-- (roster_alerts: a community left out, many people gone without a status, two lists of one day), and the file
-- warnings that are alerts: rejected rows naming people the roster in force lists (rejected_listed), exits and
-- registrations dated after the list's own date (exit_after_report, registered_after_report), no category column
-- (no_category_column), a contact list that leaves out many of the elders the one it replaces named
-- (contacts_dropped), a visit record whose rows name someone else beside a roster elder's ID number (name_differs),
-- or repeat visits another file gave but for a time or a visitor (sent_before), a roster whose rows give a second
-- person its load leaves out (other_people: 配偶姓名).
-- Each placed where it is, else where its file is (load_places).
select a.load_id, coalesce(a.community_code, a.street_code) as place_code, a.code, a.message
from roster_alerts a

union all

select w.load_id, coalesce(w.community_code, w.street_code, p.place_code), w.code, w.file_name || ': ' || w.message
from load_warnings w
join load_places p using (load_id)
where w.code in ('rejected_listed', 'exit_after_report', 'registered_after_report', 'no_category_column',
                 'contacts_dropped', 'name_differs', 'sent_before', 'other_people')
