-- The districts' codes, in code order.
select code from place_tree where level = 'district' order by code
