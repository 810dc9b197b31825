AND (Bucket, TraceId) >= edge
