-- Makes the dashboard's rules on places, as macros every query file calls (run once per attach).
--
-- Macros rather than a text fragment pasted into each file: every .sql file stays a whole query that
-- DuckDB parses as written, each rule has one definition, and DuckDB inlines a macro before it
-- optimises, so with the parameters' values known the conditions fold to plain comparisons
-- (`t.code = '…'`) that still reach the scans. They live in the session's in-memory catalog, which
-- every cursor of dashboard/queries.py puts last on its search path.

-- The place (its district, street and own code) lies within the user's scope: a code, or 'all'.
create macro in_scope(scope, district_code, street_code, code) as
    scope = 'all' or scope in (district_code, street_code, code);

-- The place is the target: the place itself, or at the root (all districts) every district.
create macro is_target(target_level, target_code, level, code) as
    case when target_level = 'root' then level = 'district' else code = target_code end;

-- The place is a child of the parent: at the root every district, elsewhere the places one level down.
create macro is_child(parent_level, parent_code, level, place_parent_code) as
    case when parent_level = 'root' then level = 'district' else place_parent_code = parent_code end;
