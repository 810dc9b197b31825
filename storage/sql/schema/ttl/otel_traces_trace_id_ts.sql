Start + toIntervalDay({retentionDays:UInt32})
