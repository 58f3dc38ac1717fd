-- The first month whose rows of the per-elder month marts (marts/elder_months, elder_contact_months,
-- elder_changes) the loads can change for the elders in scope: cv_scope_floor, one row, or none when they can
-- change any month. A month's row is counted from what happened by its as-of date: the visits dated in it or
-- before (the last visit, a problem found and not yet closed then, a day's contact), the rosters, the contact
-- lists. Visit files only add visits (rows are only ever added to a load), so the months before the earliest
-- visit they add keep their rows; and an elder who turned 80 since the marts' last build ($built_on) was not
-- 80 in any month that had ended by then. A roster, a contact list or a corrections workbook can change any
-- month: no floor. $since: the newest load before the loads (a correction's rows are stored under the load it
-- corrects, an older one).
create or replace temp table cv_scope_floor as
    select month_start
    from (
        select cast(date_trunc('month', least(
            (select min(visit_date) from visit_rows where load_id in (select load_id from cv_changed_loads)),
            case when $built_on::date < cv_today() then $built_on::date + 1 end)) as date) as month_start
    )
    where month_start is not null
        and not exists (select 1 from cv_changed_loads where load_id <= $since)
        and not exists (select 1 from loads where load_id in (select load_id from cv_changed_loads)
                                              and kind <> 'visits');
