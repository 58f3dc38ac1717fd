-- The months whose month-mart rows a load changes for every elder, not only for those in scope: the
-- months whose frame changed (a new month, a new as-of date for the latest, a month out of the window),
-- and the month after each (marts/elder_changes compares a month with the month before). cv_new_frame:
-- the month frame after the load. cv_scope_frame: the months their rows are computed from.
create or replace temp table cv_scope_months as
    with changed as (
        select month_start from (from cv_new_frame except all from month_frame)
        union
        select month_start from (from month_frame except all from cv_new_frame)
    )
    select month_start from cv_new_frame
    where month_start in (select month_start from changed)
        or cast(month_start - interval 1 month as date) in (select month_start from changed);

create or replace temp table cv_scope_frame as
    select month_start from cv_new_frame
    where month_start in (select month_start from cv_scope_months)
        or cast(month_start + interval 1 month as date) in (select month_start from cv_scope_months);
