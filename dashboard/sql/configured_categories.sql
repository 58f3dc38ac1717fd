-- The special-difficulty categories the settings list (one row, one list).
select special_categories from cfg_settings
