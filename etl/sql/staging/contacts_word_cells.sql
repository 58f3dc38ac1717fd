-- one row per distinct (field, raw cell) of a contact list that is read as words (staging/words.sql)
select distinct 'yes_no' as field, has_key as raw from src
