AND Hour < toDateTime({to:UInt32})
