-- The search's leading equality, on the span's own attributes.
AND mapContains(SpanAttributes, {leadKey:String}) AND SpanAttributes[{leadKey:String}] = {leadValue:String}
