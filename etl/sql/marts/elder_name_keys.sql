-- one row per (name, community) that identifies exactly one elder on any roster snapshot of it
with final as (
    select elder_name, community_code, any_value(id_number) as elder_id
    from (select distinct elder_name, community_code, id_number from roster_rows)
    group by elder_name, community_code
    having count(*) = 1
)

select * from final
