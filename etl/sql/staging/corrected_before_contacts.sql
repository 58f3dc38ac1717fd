-- one row per contact list's row sent again as it was whose correction is loaded (stg_refixable): the corrected row
-- stored under the load it corrects, on its row, its contact people as staging lists them (ingest._take_corrected_rows).
-- Where that load stored two rows of that number (of two sheets), neither is taken: the row stays rejected, waiting.
with stored as (
    select f.src_id, f.resolved_by, r.*
    from stg_refixable f
    join contact_rows r on r.load_id = f.origin_load_id and r.row_number = f.origin_row
),

final as (
    select
        src_id,
        any_value(resolved_by) as resolved_by,
        any_value(id_number) as id_number,
        any_value(elder_name) as elder_name,
        any_value(community_code) as community_code,
        any_value(street_code) as street_code,
        any_value(set_date) as set_date,
        any_value(dedup_key) as dedup_key,
        list({'contact_index': contact_index, 'contact_name': contact_name, 'relation': relation,
              'contact_phone': contact_phone, 'contact_phone_raw': contact_phone_raw, 'has_key': has_key}
             order by contact_index) as contacts
    from stored
    group by src_id
    having count(*) filter (where contact_index = 1) = 1
)

select * from final
