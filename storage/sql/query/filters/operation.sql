AND SpanName = {operation:String}
