AND SpanKind = {spanKind:String}
