Minute + toIntervalDay({retentionDays:UInt32})
