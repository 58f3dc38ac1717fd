-- one row per elder per stretch of days on the roster under one listing: where, as what, from when to when
-- (for the elders any figure counts: special-difficulty, living alone or disabled on some list, or 80+)
--
-- A community's roster snapshot is in force from its date until its next snapshot (the first one,
-- the baseline, from always). Within that span an elder listed in it is on the roster from their
-- registration date until their exit date. An elder missing from a newer snapshot therefore leaves
-- on that snapshot's date, one who first appears in it joins on that date at the earliest, and no
-- newer snapshot changes a month that ended before its own date: one reporting an exit dated earlier in
-- its own month ends the elder's stretch on that date (DESIGN §4, roster history).
with candidates as (
    -- elders who are or were special-difficulty, living alone or disabled on some list, or 80 by
    -- today: no figure counts anyone else, and they are most of a roster of all 60+ elders
    select distinct r.id_number
    from roster_rows r, cfg_settings s
    where len(r.categories) > 0 or cv_age(r.birth_date, cv_today()) >= s.aged_from
),

spread as (
    -- elders listed by more than one community (moved, or on two streets' lists at once)
    select *, min(community_code) over (partition by id_number) <> max(community_code) over (partition by id_number)
        as is_shared
    from roster_listings
    where id_number in (select id_number from candidates)
        -- a list in force for no day says nothing: its community's next list is of the same date (a
        -- corrected roster sent again the same day), and holds from it
        and (listed_from is null or listed_to is null or listed_from < listed_to)
),

shared_bounds as (
    -- the dates a listing's hold may change: its snapshot's span, and the days it says the elder came and left
    select distinct id_number, bound
    from spread, unnest([listed_from, listed_to, snapshot_date, reg_date, exit_date]) as b(bound)
    where is_shared and bound is not null
),

shared_spans as (
    -- the stretches between one elder's snapshot dates: within each, one listing holds
    select id_number, lag(bound) over (partition by id_number order by bound) as span_from, bound as span_to
    from shared_bounds
    union all
    select id_number, max(bound), null from shared_bounds group by id_number
),

span_winners as (
    -- where two communities list the elder at once, a list that has them there then holds: registered by the span's
    -- start (the community they moved to lists them from their 建档日期) and not yet gone (the one they left writes
    -- 迁出 with its date, or after the new one lists them); then the newer snapshot (跨街道重复: counted once), a
    -- snapshot dated by then before one that holds only as a community's baseline (of two baselines, the older)
    select
        sp.span_from,
        sp.span_to,
        l.*,
        row_number() over (
            partition by sp.id_number, sp.span_from
            order by (l.reg_date is null or l.reg_date <= sp.span_from)
                     and (l.exit_date is null or sp.span_from is null or l.exit_date > sp.span_from) desc,
                coalesce(l.snapshot_date <= sp.span_from, false) desc,
                -- of snapshots in force by then the newer; before any was (baselines), the older: a newer
                -- snapshot rewrites no time before it
                case when coalesce(l.snapshot_date <= sp.span_from, false) then l.snapshot_date end desc nulls last,
                l.snapshot_date,
                -- of two streets' lists of one day, the one of the community first by its code, whichever came first
                -- (Order-free, DESIGN §3); of one community's, the one loaded later (it replaced the other)
                l.community_code, l.load_id desc
        ) as span_rank
    from shared_spans sp
    join spread l
        on l.id_number = sp.id_number and l.is_shared
        and (l.listed_from is null or sp.span_from >= l.listed_from)
        and (l.listed_to is null or (sp.span_to is not null and sp.span_to <= l.listed_to))
),

held_spans as (
    -- each span's winner, numbered by the run of consecutive spans one listing holds
    select *, sum(is_other) over (partition by id_number order by span_from nulls first) as held
    from (
        select
            *,
            case when load_id = lag(load_id) over by_span and row_number = lag(row_number) over by_span
                 then 0 else 1 end as is_other
        from span_winners
        where span_rank = 1
        window by_span as (partition by id_number order by span_from nulls first)
    )
),

shared_winners as (
    -- consecutive spans one listing holds are one segment of it
    select * exclude (span_from, span_to, span_rank, is_other, held, island_from, island_to, island_row) replace (
        greatest(listed_from, island_from) as listed_from,
        least(listed_to, island_to) as listed_to
    )
    from (
        select
            *,
            case when bool_or(span_from is null) over island then null else min(span_from) over island end
                as island_from,
            case when bool_or(span_to is null) over island then null else max(span_to) over island end as island_to,
            row_number() over (partition by id_number, held order by span_from nulls first) as island_row
        from held_spans
        window island as (partition by id_number, held)
    )
    where island_row = 1
),

segments as (
    select * exclude (is_shared) from spread where not is_shared
    union all by name
    select * exclude (is_shared) from shared_winners
),

reported as (
    -- a listing that reports the elder gone on a date before its own: from that date, in its own month at the
    -- earliest (it changes no month that ended before it: DESIGN §4)
    select *, case when exit_date <= listed_from
                   then greatest(exit_date, cast(date_trunc('month', listed_from) as date)) end as reported_exit
    from segments
),

on_roster as (
    -- a later listing's report of the elder gone (the next, or one after a listing that had not heard of it) ends
    -- this one on that date and for that reason
    select
        * exclude (later_exit, later_status),
        greatest(listed_from, reg_date) as valid_from,
        -- on the roster from a snapshot's date, not from a registration (one registered before the snapshot that first
        -- lists them counts from its date: DESIGN §4, roster history)
        listed_from is not null and (reg_date is null or reg_date < listed_from) as from_listing,
        least(listed_to, exit_date, later_exit) as valid_to,
        case when later_exit <= coalesce(listed_to, later_exit) then later_status end as next_listing_exit
    from (
        select
            *,
            min(reported_exit) over later as later_exit,
            arg_min(case when reported_exit is not null then status end, reported_exit) over later as later_status
        from reported
        window later as (partition by id_number order by listed_from nulls first
                         rows between 1 following and unbounded following)
    )
),

kept as (
    select *, lag(valid_to) over by_elder as previous_valid_to, lag(is_marked) over by_elder as previous_marked
    from (select o.*, list_has_any(o.categories, s.special_categories) as is_marked from on_roster o, cfg_settings s)
    where valid_from is null or valid_to is null or valid_from < valid_to
    window by_elder as (partition by id_number order by valid_from nulls first)
),

stretches as (
    -- consecutive periods of one elder form one stretch on the roster (a move or a newer listing goes on), and so do
    -- two apart where the roster has them registered since before the gap (a move of street, registered on the day
    -- they left the other; a roster that left them off, corrected the next day: review 9 M1, the overdue clock had
    -- restarted)
    select
        *,
        sum(case when goes_on then 0 else 1 end)
            over (partition by id_number order by valid_from nulls first) as stretch,
        -- … and of such periods that mark the elder special-difficulty, one run
        sum(case when goes_on and previous_marked and is_marked then 0 else 1 end)
            over (partition by id_number order by valid_from nulls first) as marked_run
    from (select *, previous_valid_to = valid_from or reg_date <= previous_valid_to as goes_on from kept)
),

final as (
    select
        -- numbered per elder: an elder's periods do not depend on anyone else's rows
        row_number() over (partition by id_number order by valid_from nulls first) as period_id,
        id_number as elder_id,
        elder_name,
        sex,
        birth_date,
        district_code,
        street_code,
        community_code,
        address,
        phone,
        categories,
        living,
        consent,
        status,
        change_date,
        exit_date,
        reg_date,
        visitor_name,
        risk_level as roster_risk_level,
        valid_from,
        valid_to,
        -- the day the elder came onto the roster for this stretch (null: always, for all we know)
        first_value(valid_from) over (partition by id_number, stretch order by valid_from nulls first) as joined_on,
        -- … from a snapshot's date (from_listing), not a registration: counted on that day itself
        first_value(from_listing) over (partition by id_number, stretch order by valid_from nulls first)
            as joined_by_listing,
        -- since when a period that marks the elder special-difficulty has marked them without a break (null: always)
        case when is_marked then first_value(valid_from) over (partition by id_number, marked_run
                                                               order by valid_from nulls first) end as marked_since,
        -- why the stretch ends: an exit status, or a newer snapshot that does not list the elder here
        case
            when valid_to is null then null
            when valid_to = exit_date then status
            when next_listing_exit is not null then next_listing_exit
            when lead(valid_from) over by_elder = valid_to then '续列'
            else '去向未说明'
        end as end_reason,
        snapshot_date,
        load_id,
        row_number as source_row_number
    from stretches
    window by_elder as (partition by id_number order by valid_from nulls first)
)

select * from final
