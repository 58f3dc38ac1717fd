-- Elders whose street's visit records now begin on another day (marts/street_records: 记录期内未上门 counts
-- from it): their month figures change, though none of their rows did. `previous_street_records`: the
-- mart before the load.
insert into cv_scope_elders
    select distinct p.elder_id
    from elder_periods p
    where p.street_code in (
        select street_code from (from street_records except from previous_street_records)
        union
        select street_code from (from previous_street_records except from street_records))
        and p.elder_id not in (select elder_id from cv_scope_elders)
