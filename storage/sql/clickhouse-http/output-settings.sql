-- The output settings a client may send as they already are on the readers (their defaults):
-- the readers are read-only at the engine, so a value that differs cannot be applied.
SELECT name, value FROM system.settings WHERE startsWith(name, 'output_format_') OR name = 'date_time_output_format'
