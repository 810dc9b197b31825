SELECT name, value FROM system.settings WHERE startsWith(name, 'output_format_') OR name = 'date_time_output_format';
