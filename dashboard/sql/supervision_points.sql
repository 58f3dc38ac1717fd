-- Whether any loaded visit carries a GPS point: without one the distance signal cannot speak.
select exists (select 1 from visit_rows where latitude is not null) as has_points
