-- Whether any loaded visit carries an entry time (录入时间): without one the late-entry signal cannot speak.
select exists (select 1 from visit_rows where entered_at is not null) as has_entry_times
