-- one row per distinct (field, raw cell) of a visit record that is read as words (staging/words.sql)
select distinct 'method' as field, method as raw from src
union all select distinct 'outcome', outcome from src
union all select distinct 'resolution', resolution from src
union all select distinct 'referral', referral from src
