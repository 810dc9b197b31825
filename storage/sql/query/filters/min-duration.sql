AND Duration >= {minDuration:UInt64}
