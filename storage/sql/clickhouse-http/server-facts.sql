-- What the ClickHouse HTTP port reports of its engine: the version its errors name and
-- clickhouse-go's hello answers, and the time zone that hello gives.
SELECT version() AS version, timezone() AS timezone
