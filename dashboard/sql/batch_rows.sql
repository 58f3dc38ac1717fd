-- The rows of an upload's loads ($loads) that were rejected or loaded with a warning, and its files' notes (no row),
-- each with its reason as the load stored it (masked then): what the upload page lists under its results, file by
-- file, at most $limit. The user's own files (uploads.batch_results): no scope of their own.
select file_name, sheet_name, row_number, 'rejected' as row_kind, reason, status, resolved_by
from rejected_rows
where load_id in (select unnest($loads::integer[]))
union all
select file_name, null, row_number, 'warning', message, null, null
from load_warnings
where load_id in (select unnest($loads::integer[]))
order by file_name, row_number nulls first, row_kind, reason
limit $limit
