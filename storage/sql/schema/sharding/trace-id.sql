-- Spans by trace: a whole trace lives on one shard, so per-trace JOINs stay shard-local.
cityHash64(TraceId)
