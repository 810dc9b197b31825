-- migration 1: create otel_traces
CREATE TABLE IF NOT EXISTS otel.otel_traces
(
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested
    (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested
    (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
TTL toDateTime(Timestamp) + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- migration 2: create the trace id to time range lookup
CREATE TABLE IF NOT EXISTS otel.otel_traces_trace_id_ts
(
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Start)
ORDER BY TraceId
TTL Start + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.otel_traces_trace_id_ts_mv
TO otel.otel_traces_trace_id_ts
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM otel.otel_traces
WHERE TraceId != ''
GROUP BY TraceId;

-- migration 3: service dependency edges per minute, and job watermarks
CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1m
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL Minute + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS otel.hindsight_jobs
(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Name;

-- migration 4: minutes that received late spans, for the edge job to recompute
CREATE TABLE IF NOT EXISTS otel.hindsight_late_arrivals
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Arrived DateTime CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(Arrived)
ORDER BY (Arrived, Minute)
TTL Arrived + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_late_arrivals_mv
TO otel.hindsight_late_arrivals
AS SELECT
    toStartOfMinute(Timestamp) AS Minute,
    now() AS Arrived
FROM otel.otel_traces
WHERE Timestamp < now() - toIntervalSecond(30)
GROUP BY Minute;

-- migration 5: spans merge about ten parts at once, each rewritten fewer times
ALTER TABLE otel.otel_traces MODIFY SETTING merge_selector_base = 10;

-- migration 6: a summary row per trace, for search and its sorts
CREATE TABLE IF NOT EXISTS otel.hindsight_trace_summaries
(
    Bucket DateTime CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime64(9)) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime64(9)) CODEC(Delta, ZSTD(1)),
    Spans SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Root SimpleAggregateFunction(min, Tuple(NotRoot UInt8, Start DateTime64(9), Service String, Operation String)) CODEC(ZSTD(1)),
    ServiceSpans SimpleAggregateFunction(sumMap, Map(String, UInt64)) CODEC(ZSTD(1)),
    Keys SimpleAggregateFunction(groupUniqArrayArray, Array(UInt64)) CODEC(ZSTD(1)),
    INDEX idx_keys Keys TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Bucket)
ORDER BY (Bucket, TraceId)
TTL Bucket + toIntervalDay(7)
SETTINGS index_granularity = 8192;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_trace_summaries_mv
TO otel.hindsight_trace_summaries
AS WITH countIf(ParentSpanId = '') AS roots, groupArray(ServiceName) AS services
SELECT
    toStartOfHour(min(Timestamp)) AS Bucket,
    TraceId,
    min(Timestamp) AS Start,
    fromUnixTimestamp64Nano(max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration))) AS End,
    count() AS Spans,
    countIf(StatusCode = 'Error') AS Errors,
    (
        toUInt8(roots = 0),
        if(roots > 0, minIf(Timestamp, ParentSpanId = ''), Start),
        toString(if(roots > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp))),
        toString(if(roots > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)))
    ) AS Root,
    mapFromArrays(arrayMap(s -> toString(s), arrayDistinct(services)), arrayMap(s -> toUInt64(countEqual(services, s)), arrayDistinct(services))) AS ServiceSpans,
    arrayConcat(
        groupUniqArray(cityHash64('service', ServiceName)),
        groupUniqArray(cityHash64('operation', SpanName)),
        groupUniqArray(cityHash64('pair', ServiceName, SpanName))
    ) AS Keys
FROM otel.otel_traces
WHERE TraceId != ''
GROUP BY TraceId;

-- migration 7: per-operation rollups by minute, five minutes and hour, for RED, the service lists and anomalies
CREATE TABLE IF NOT EXISTS otel.hindsight_operations_1m
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    Calls SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Latency SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1)),
    Slowest AggregateFunction(argMax, Tuple(String, UInt64), UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (ServiceName, SpanName, SpanKind, Minute)
TTL Minute + toIntervalDay(7)
SETTINGS index_granularity = 8192;

CREATE TABLE IF NOT EXISTS otel.hindsight_operations_5m
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    Calls SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Latency SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1)),
    Slowest AggregateFunction(argMax, Tuple(String, UInt64), UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Minute)
ORDER BY (ServiceName, SpanName, SpanKind, Minute)
TTL Minute + toIntervalDay(7)
SETTINGS index_granularity = 8192;

CREATE TABLE IF NOT EXISTS otel.hindsight_operations_1h
(
    Hour DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    Calls SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Latency SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1)),
    Slowest AggregateFunction(argMax, Tuple(String, UInt64), UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Hour)
ORDER BY (ServiceName, SpanName, SpanKind, Hour)
TTL Hour + toIntervalDay(7)
SETTINGS index_granularity = 8192;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_operations_5m_mv
TO otel.hindsight_operations_5m
AS SELECT
    toStartOfFiveMinutes(Minute) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    argMaxMergeState(Slowest) AS Slowest
FROM otel.hindsight_operations_1m
GROUP BY Minute, ServiceName, SpanName, SpanKind;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_operations_1h_mv
TO otel.hindsight_operations_1h
AS SELECT
    toStartOfHour(Minute) AS Hour,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    argMaxMergeState(Slowest) AS Slowest
FROM otel.hindsight_operations_1m
GROUP BY Hour, ServiceName, SpanName, SpanKind;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_operations_1m_mv
TO otel.hindsight_operations_1m
AS SELECT
    toStartOfMinute(Timestamp) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    count() AS Calls,
    countIf(StatusCode = 'Error') AS Errors,
    sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS Latency,
    argMaxState((TraceId, Duration), Duration) AS Slowest
FROM otel.otel_traces
WHERE true
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- migration 8: a per-trace weighted latency histogram on the operations rollups, so one big trace cannot set a baseline
ALTER TABLE otel.hindsight_operations_1m
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency;

ALTER TABLE otel.hindsight_operations_5m
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency;

ALTER TABLE otel.hindsight_operations_1h
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency;

ALTER TABLE otel.hindsight_operations_1m_mv MODIFY QUERY SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM otel.otel_traces
    WHERE true
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind;

ALTER TABLE otel.hindsight_operations_5m_mv MODIFY QUERY SELECT
    toStartOfFiveMinutes(Minute) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    sumMap(TraceLatency) AS TraceLatency,
    argMaxMergeState(Slowest) AS Slowest
FROM otel.hindsight_operations_1m
GROUP BY Minute, ServiceName, SpanName, SpanKind;

ALTER TABLE otel.hindsight_operations_1h_mv MODIFY QUERY SELECT
    toStartOfHour(Minute) AS Hour,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    sumMap(TraceLatency) AS TraceLatency,
    argMaxMergeState(Slowest) AS Slowest
FROM otel.hindsight_operations_1m
GROUP BY Hour, ServiceName, SpanName, SpanKind;

-- migration 9: root span counts on the per-minute operations rollup, so the dependency map can measure a batch job
ALTER TABLE otel.hindsight_operations_1m
ADD COLUMN IF NOT EXISTS Roots SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Errors,
ADD COLUMN IF NOT EXISTS RootErrors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Roots;

ALTER TABLE otel.hindsight_operations_1m_mv MODIFY QUERY SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sum(r) AS Roots,
    sum(re) AS RootErrors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        countIf(ParentSpanId = '') AS r,
        countIf(ParentSpanId = '' AND StatusCode = 'Error') AS re,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM otel.otel_traces
    WHERE true
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- migration 10: service dependency edges per hour, and edge latency as a log-bucket histogram, so a day-long map adds 24 small rows per edge
ALTER TABLE otel.hindsight_service_edges_1m
ADD COLUMN IF NOT EXISTS LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1));

CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1h
(
    Hour DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(Hour)
ORDER BY (Hour, Parent, Child, Kind)
TTL Hour + toIntervalDay(7)
SETTINGS index_granularity = 8192;

-- migration 11: attribute value bloom filters ten times as selective, so a search for a rare value reads a tenth of the granules
ALTER TABLE otel.otel_traces
DROP INDEX IF EXISTS idx_res_attr_value,
DROP INDEX IF EXISTS idx_span_attr_value;

ALTER TABLE otel.otel_traces
ADD INDEX IF NOT EXISTS idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_res_attr_key,
ADD INDEX IF NOT EXISTS idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_span_attr_key;

ALTER TABLE otel.otel_traces
MATERIALIZE INDEX idx_res_attr_value,
MATERIALIZE INDEX idx_span_attr_value;
