-- What every mart depends on besides the stored rows and the day (cv_today, kept apart: scope/new_day.sql):
-- the configuration and the geography. A load changes neither; when they differ from the marts' last build,
-- every mart is built whole.
select md5(concat_ws('|',
    (select string_agg(t::varchar, ';' order by t::varchar) from cfg_settings t),
    (select string_agg(t::varchar, ';' order by t::varchar) from cfg_visit_quality t),
    (select string_agg(t::varchar, ';' order by t::varchar) from cfg_intervals t),
    (select string_agg(t::varchar, ';' order by t::varchar) from cfg_risk_rules t),
    (select string_agg(t::varchar, ';' order by t::varchar) from divisions t),
    (select string_agg(code || ':' || is_schematic, ';' order by code) from division_shapes)
))
