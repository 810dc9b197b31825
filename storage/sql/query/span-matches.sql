-- The spans meeting every filter of a search, as (TraceId, Timestamp): what search-traces.sql
-- and search-trace-ids.sql pick their traces from. A search whose attribute filters include an
-- equality reads these once per place the value may be in (the span's attributes, its resource's,
-- a Jaeger tag's events too), joined by UNION ALL, that filter then the `lead` of each read: each
-- read prunes granules by the bloom filters of its own map and reads only that map, where one
-- read of `span OR resource` reads both maps of every granule either may match (a needle value
-- over a day of 100M spans: 360-470 -> 215-315 ms).
SELECT TraceId, Timestamp FROM {db:Identifier}.otel_traces
WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*optional statusNot*/ /*optional spanKind*/ /*optional scopeName*/ /*each attributes*/ /*each withServices*/ /*choice lead*/
