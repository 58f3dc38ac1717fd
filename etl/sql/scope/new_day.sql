-- A load on a later day than the marts' last build ($built_on): the elders who reached the age that counts
-- (cfg_settings.aged_from) since then join the scope. marts/elder_periods counts everyone that old by
-- cv_today(), with a category or not; the month frame, the other figure that reads the day, changes
-- only as scope/months.sql finds.
insert into cv_scope_elders
    select distinct r.id_number
    from roster_rows r, cfg_settings s
    where cv_age(r.birth_date, cv_today()) >= s.aged_from
        and cv_age(r.birth_date, $built_on::date) < s.aged_from
    except
    select elder_id from cv_scope_elders;
