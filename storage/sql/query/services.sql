-- Services with their span and error counts over the whole minutes of the range, from the
-- per-minute rollup.
SELECT ServiceName AS name, sum(Calls) AS spanCount, sum(Errors) AS errorCount
FROM {db:Identifier}.hindsight_operations_1m WHERE /*include minutes*/
GROUP BY ServiceName ORDER BY ServiceName
