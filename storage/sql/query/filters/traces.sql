TraceId IN {traceIds:Array(String)}
