-- one row per distinct (field, raw cell) of a contact list that is read as words (staging/words.sql): the 是否有钥匙
-- of each contact person a row names
select distinct 'yes_no' as field, has_key as raw from src
union
select distinct 'yes_no' as field, unnest(more_contacts).has_key as raw from src
