-- The search's leading Jaeger tag, on the attributes of one of the span's events (Jaeger's logs).
AND arrayExists(a -> mapContains(a, {leadKey:String}) AND a[{leadKey:String}] = {leadValue:String}, Events.Attributes)
