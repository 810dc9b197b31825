SELECT version() AS version, timezone() AS timezone;
