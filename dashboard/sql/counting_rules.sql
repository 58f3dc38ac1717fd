-- The rules the warehouse's figures were counted by, as its last build wrote them (one row): the special-difficulty
-- categories, the age from which 高龄 counts, the days between home visits by risk level (in the configuration's
-- order). Pages that say how a figure is counted read them here, not in the server's own configuration, which may
-- be another (a server started before a rebuild, or without CAREVISIT_CONFIG: review 14 M1, M3).
select
    s.special_categories,
    s.aged_from,
    (select list([i.risk_level, i.days::varchar] order by i.rowid) from cfg_intervals i) as intervals
from cfg_settings s
