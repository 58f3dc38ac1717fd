-- one row per distinct (field, raw cell) of the file: the canonical values the cell names, its
-- strongest one, the parts of it that no synonym or keyword explains, and each part's values
-- (word_cells: field, raw; value_map: exact synonyms; keyword_map: words a cell may contain)
with raw_cells as materialized (
    -- distinct first, normalised after: a filter here would be pushed below the DISTINCT and
    -- normalise every cell of the file (cv_word_key costs microseconds a call)
    select distinct field, raw from word_cells
),

cells as (
    select field, raw from raw_cells where cv_word_key(raw) is not null
),

tokens as (
    -- a cell may name several values: 独居、失能; 入户+电话 (categories also split at spaces); a method or outcome cell
    -- several tries, each with what came of it, also after a note in brackets: 电话（无人接听）后上门
    select c.field, c.raw, t.position, t.token, cv_word_key(t.token) as token_key, cv_word_core(t.token) as token_core
    from cells c,
        -- (an Excel error, #N/A, whole: one word no mapping knows)
        unnest(case when cv_excel_error(trim(c.raw)) then [trim(c.raw)] else regexp_split_to_array(
                   case when c.field in ('method', 'outcome') then replace(cv_half_width(c.raw), ')', ')|')
                        else cv_half_width(c.raw) end,
                   case when c.field = 'category' then '[、,;/+|\s]+' else '[、,;/+|]+' end) end)
            with ordinality as t(token, position)
    where cv_word_key(t.token) is not null
),

exact as (
    select t.field, t.raw, t.position, m.value
    from tokens t
    join value_map m on m.field = t.field and m.synonym = t.token_key
),

noted as (
    -- a note in brackets that says more than the word it follows, as keywords.csv spells it out with its bracket
    -- (失能(半 and 失能(轻: 失能（半失能）, 失能（轻度） are 半失能). Any other note is read no further: 在册（配偶已去世）
    -- is 在册, 空巢（子女失能） 空巢 (a note may be about someone else)
    select t.field, t.raw, t.position, arg_max(k.value, length(k.keyword)) as value
    from tokens t
    join keyword_map k on k.field = t.field and contains(k.keyword, '(') and contains(t.token_key, k.keyword)
    where t.token_core <> t.token_key
        and not exists (select 1 from exact e where e.field = t.field and e.raw = t.raw and e.position = t.position)
    group by t.field, t.raw, t.position
),

core as (
    -- a token with a note in brackets: its word without the note (独居（子女在外地）), unless the note refines the
    -- word (a keyword spells the word with that note: 失能(半 makes 失能（半失能） 半失能 alone); a note of another
    -- word's is one more value beside it (独居（半失能） is 独居 and 半失能: the 独居 had been lost, review 2026-12-04)
    -- A note that only says no (独居（否）) is no note: the word is denied (keyword_hits), not read without it
    select t.field, t.raw, t.position, m.value
    from tokens t
    join value_map m on m.field = t.field and m.synonym = t.token_core and t.token_core <> t.token_key
    left join negation no on no.field = t.field
    where not exists (select 1 from exact e where e.field = t.field and e.raw = t.raw and e.position = t.position)
        and not coalesce(regexp_full_match(regexp_extract(t.token_key, '\(([^()]*)\)$', 1), no.pattern), false)
        -- a note that undoes the word, a keyword of priority 0 (入户（隔门问候）: no home visit; probe 31 H1), is read
        and not exists (select 1 from keyword_map k where k.field = t.field and k.priority = 0
                                                      and contains(t.token_key, k.keyword))
        and not exists (select 1 from noted n
                        where n.field = t.field and n.raw = t.raw and n.position = t.position
                            and exists (select 1 from keyword_map k where k.field = n.field and k.value = n.value
                                                                      and starts_with(k.keyword, m.value || '(')))
),

bracketed as (
    -- a category cell's note in brackets that is itself a category, whole (独居老人（失能）, 空巢(独居)): a marking
    -- of the elder's too, besides the word it follows (review 2026-12-04: the 失能 of 独居老人（失能） was lost, the
    -- elder out of 失能帮扶率 without a warning). A note of more words is still read no further (空巢（子女失能）).
    select t.field, t.raw, t.position, m.value
    from tokens t, unnest(regexp_extract_all(t.token_key, '\(([^()]*)\)', 1)) as b(note)
    join value_map m on m.field = t.field and m.synonym = b.note
    where t.field = 'category' and t.token_core <> t.token_key
),

keyword_hits as (
    -- keywords of the tokens no synonym names; a negated keyword (无异常, 未上门), or one a form's label asks and
    -- its answer denies (发现问题：无, 异常情况:否), means its negated_value, or nothing; one a later word undoes
    -- (从养老院接回: _undoing in keywords.csv), one about someone else (老伴住进养老院: _someone_else) or about something
    -- else than it is about (老人拒绝安装报警器: _object) means nothing, neither what it says nor its opposite (家属说身体
    -- 正常 is no 正常, nor a problem). A word that holds a negation without negating (不错: 身体不错精神好 had been
    -- 发现问题) negates nothing after it
    select field, raw, position, keyword,
           case when voided then null when negated then negated_value else value end as value,
           -- a keyword's own priority ranks what it says; its opposite ranks as that value does
           case when not voided and not negated then priority end as priority
    from (
        select t.field, t.raw, t.position, k.keyword, k.priority, k.value, k.negated_value,
               coalesce(regexp_matches(regexp_replace(t.token_key, n.unless, '', 'g'),
                                       n.pattern || '[^,;。、]{0,3}' || k.keyword_pattern)
                        or regexp_matches(t.token_key, k.keyword_pattern || '[^,;。、:()]{0,3}(:' || n.pattern
                                                       || '|\(' || n.pattern || '\))[。.!]?$'), false) as negated,
               -- a word after it that undoes it (外出已返回, 从养老院接回家中)
               coalesce(regexp_matches(t.token_key, k.keyword_pattern || '[^,;。、]{0,4}' || n.undoing)
                        -- a relative's, named just before it (老伴于2026年9月病故, 女儿在外地; not where the elder is
                        -- named between, 儿子说老人已去世, nor a home of theirs, 到子女家暂住) or just after (失能老伴;
                        -- not 搬至女儿家); whoever refused a visit refused it (家属拒绝)
                        or (k.value is distinct from n.object_of
                            and (regexp_matches(regexp_replace(t.token_key, '\d+[年月日号.-]?', '', 'g'),
                                                n.someone_else || '[^,;。、老人本家处]{0,3}' || k.keyword_pattern)
                                 or regexp_matches(t.token_key,
                                                   k.keyword_pattern || '的?' || n.someone_else || '([^家处]|$)')))
                        -- followed in its clause by what it is not about (不愿意去养老院, 婉拒慰问品); one that says
                        -- what it is about itself (拒访, 不开门) or ends its clause (老人拒绝) is what it says
                        or (k.value = n.object_of and not regexp_matches(k.keyword, n.objects)
                            and list_transform([regexp_extract(t.token_key, k.keyword_pattern || '([^,;。、]*)', 1)],
                                               lambda clause: regexp_replace(clause, '\([^()]*\)|[了的啊呢吧。.!…]',
                                                                             '', 'g') <> ''
                                                              and not regexp_matches(clause, n.objects))[1]),
                        false) as voided
        from tokens t
        join keyword_map k on k.field = t.field and contains(t.token_key, k.keyword)
        join negation n on n.field = t.field
        where not exists (select 1 from exact e where e.field = t.field and e.raw = t.raw and e.position = t.position)
            and not exists (select 1 from noted d where d.field = t.field and d.raw = t.raw and d.position = t.position)
            and not exists (select 1 from core c where c.field = t.field and c.raw = t.raw and c.position = t.position)
    )
),

keyword_values as (
    -- a keyword inside a longer keyword found in the same token is the longer one's (半失能, not 失能)
    select h.field, h.raw, h.position, h.value, h.priority as rank
    from keyword_hits h
    where not exists (
        select 1 from keyword_hits longer
        where longer.field = h.field and longer.raw = h.raw and longer.position = h.position
            and longer.keyword <> h.keyword and contains(longer.keyword, h.keyword)
    )
),

token_values as (
    -- each part's value and its strength: a keyword's own priority (慰问 is a home visit only where no other word names
    -- how: 电话慰问, 节日慰问（电话）), else its value's
    select t.field, t.raw, t.position, t.token, v.value, coalesce(v.rank, r.rank, 100) as rank
    from tokens t
    left join (select *, null as rank from exact union all select *, null from noted union all select *, null from core
               union all select * from keyword_values where value is not null
               union all select *, null from bracketed) v
        on v.field = t.field and v.raw = t.raw and v.position = t.position
    left join value_rank r on r.field = t.field and r.value = v.value
),

final as (
    select
        field,
        raw,
        list_sort(list(distinct value) filter (where value <> '')) as "values",
        -- the strongest (cv_strongest: 入户+电话 is a home visit, 上门未入户 none)
        cv_strongest(list({'rank': rank, 'position': position, 'value': value}) filter (where value <> '')) as value,
        list(distinct trim(token)) filter (where value is null) as unknown_parts,
        -- each part's values, by its place in the cell, with the part (a cell's tries: staging/visits.sql tries)
        list({'position': position, 'value': value, 'token': token, 'rank': rank}) filter (where value <> '')
            as part_values
    from token_values
    group by field, raw
)

select * from final
