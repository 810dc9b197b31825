AND Minute < toDateTime({to:UInt32})
