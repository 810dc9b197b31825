AND Duration <= {maxDuration:UInt64}
