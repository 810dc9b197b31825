-- An attribute of the span or of its resource.
AND (mapContains(SpanAttributes, {attrKey:String}) OR mapContains(ResourceAttributes, {attrKey:String}))
