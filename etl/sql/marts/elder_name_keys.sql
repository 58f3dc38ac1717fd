-- one row per (name, community) that identifies exactly one elder on the current roster
with final as (
    select elder_name, community_code, any_value(elder_id) as elder_id
    from elders
    group by elder_name, community_code
    having count(*) = 1
)

select * from final
