-- The shapes of the places $codes: geometry, whether schematic, centroid.
select code, geometry, is_schematic, centroid_lon, centroid_lat from division_shapes where code in $codes
