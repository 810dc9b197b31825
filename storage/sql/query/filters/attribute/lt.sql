-- The span's or its resource's attribute, read as a number, < the filter's; text that is no number never matches.
AND (toFloat64OrNull(SpanAttributes[{attrKey:String}]) < {attrNumber:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey:String}]) < {attrNumber:Float64})
