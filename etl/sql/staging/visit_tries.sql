-- one row per method or outcome cell of a visit record that tells of several tries (field 'method': the method of the
-- strongest try that did not fail, `succeeded`; field 'outcome': the method and outcome of a later try made after the
-- first failed), read from staging/words.sql's parts. A table of its own before staging/visits.sql, not CTEs of it:
-- there the planner, not knowing how few such cells there are, ordered the file's joins so that a 300,000-row file
-- staged past a 64 MB limit
with tries as (
    -- a method or outcome cell's parts, each in its try: a try is a part naming a method, with the parts after it
    -- that name none (上门，老人住院: one try, failed); parts before the first method are each a try of their own.
    -- A part's values as staging/words.sql splits the cell; `said` is the outcome a part names other than a failure
    select *, bool_or(failed) over (partition by raw, try) as try_failed,
           bool_or(said is not null or contains(token, '已')) over (partition by raw, try) as try_told,
           min(try) over (partition by raw) as first_try
    from (
        select *, coalesce(max(case when method is not null then position end)
                               over (partition by raw order by position rows unbounded preceding),
                           position) as try
        from (
            select coalesce(m.raw, o.raw) as raw, coalesce(m.position, o.position) as position, m.method, m.rank,
                   coalesce(m.token, o.token) as token, coalesce(o.failed, false) as failed, o.said, o.said_rank
            from (select raw, part.position, part.value as method, part.token, part.rank
                  from (select raw, unnest(part_values) as part from stg_words where field = 'method')) m
            full join (select raw, part.position, any_value(part.token) as token,
                              bool_or(part.value in ('未遇', '拒访')) as failed,
                              arg_min(part.value, part.rank) filter (where part.value not in ('未遇', '拒访'))
                                  as said,
                              min(part.rank) filter (where part.value not in ('未遇', '拒访')) as said_rank
                       from (select raw, unnest(part_values) as part from stg_words
                             where field = 'outcome' and raw in (select method from src union select outcome from src))
                       group by raw, part.position) o
                on o.raw = m.raw and o.position = m.position
        )
    )
),

method_tries as (
    -- a method cell naming several tries, each with what came of it (上门未见，电话联系; 入户走访/电话未接通; 电话（无人
    -- 接听）后上门): its method is the strongest of the tries that did not fail, and it says the visit failed only
    -- when every try failed (failure_values)
    select raw, cv_strongest(list({'rank': coalesce(rank, 100), 'position': position, 'value': method})
                             filter (where method is not null and not try_failed)) as succeeded
    from tries
    where raw in (select method from src)
    group by raw
),

outcome_tries as (
    -- an outcome cell whose first try failed and a later one, of a method it names, did not and says so (老人不在家，
    -- 已电话联系，情况正常; 电话未接通，上门探视正常): the visit is that try, as in a method cell, and its outcome what
    -- that try says (正常 where it says only that it was made). A plan (未遇，下次电话联系) says nothing was made
    select raw, cv_strongest(list({'rank': coalesce(rank, 100), 'position': position, 'value': method})
                             filter (where method is not null)) as method,
           coalesce(arg_min(said, said_rank) filter (where said is not null), '正常') as outcome
    from (
        select t.*, bool_or(t.failed) filter (where t.try = t.first_try) over (partition by t.raw) as first_failed,
               bool_or(t.method is not null and t.try > t.first_try and not t.try_failed and t.try_told)
                   over (partition by t.raw, t.try) as succeeded
        from tries t
        where t.raw in (select outcome from src)
    )
    where first_failed and succeeded
    group by raw
)

select 'method' as field, raw, succeeded, null as method, null as outcome from method_tries
union all
select 'outcome', raw, null, method, outcome from outcome_tries
