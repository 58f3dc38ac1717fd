-- one row per distinct (field, raw cell) of a roster that is read as words (staging/words.sql);
-- the field is the one the mapping files list its synonyms and keywords under
select distinct 'category' as field, categories as raw from src
union all select distinct 'living', living from src
union all select distinct 'disability', disability from src
union all select distinct 'consent', consent from src
union all select distinct 'status', cv_status_cell(status, status_reason) from src
-- a status noted in brackets beside the name (张三（已故）): read with the status words, to warn of it
union all select distinct 'status', cv_name_note(name) from src
-- … or in the 备注 (已去世 2026.9.3): read with the status words, to warn of it
union all select distinct 'status', notes from src
union all select distinct 'risk_level', risk_level from src
-- 是否健在 否, 是否死亡 是: a death
union all select distinct 'yes_no', alive from src
union all select distinct 'yes_no', deceased from src
-- 是否在册 否, 是否注销 是: an exit; 是否迁出 是: a move away
union all select distinct 'yes_no', in_roster from src
union all select distinct 'yes_no', cancelled from src
union all select distinct 'yes_no', moved_out from src
union all select distinct 'sex', sex from src
