-- one row per distinct (field, raw cell) of a visit record that is read as words (staging/words.sql)
select distinct 'method' as field, method as raw from src
union all select distinct 'outcome', outcome from src
-- the method cell, for an outcome written into it where no outcome is written (上门未遇, 电话（未接通）)
union all select distinct 'outcome', method from src
-- the outcome cell, for a later try it tells of (老人不在家，已电话联系: staging/visits.sql outcome_tries)
union all select distinct 'method', outcome from src
-- a short note or account of the visit, for a failure written there (家中无人)
union all select distinct 'outcome', notes from src
union all select distinct 'outcome', findings from src
union all select distinct 'resolution', resolution from src
-- … and a call log's 处理结果, for a failure written there (关机)
union all select distinct 'outcome', resolution from src
union all select distinct 'referral', referral from src
-- the problem cell, for whether it says a problem was found (no, 否, 无; or 正常, 未发现问题) or names one
union all select distinct 'yes_no', problem from src
union all select distinct 'outcome', problem from src
-- the emergency cell, for whether it says there was one (是, 否; or names one)
union all select distinct 'yes_no', emergency from src
union all select distinct 'outcome', emergency from src
-- the record's state in the system that exported it (状态: 已完成, 已取消, 作废): whether it was voided
union all select distinct 'record_status', record_status from src
