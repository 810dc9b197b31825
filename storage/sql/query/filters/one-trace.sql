TraceId = {traceId:String}
