SELECT ServiceName AS name, count() AS spanCount, countIf(StatusCode = 'Error') AS errorCount
FROM {db:Identifier}.otel_traces WHERE /*include range*/
GROUP BY ServiceName ORDER BY ServiceName
