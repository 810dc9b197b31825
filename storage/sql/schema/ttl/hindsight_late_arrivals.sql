Arrived + toIntervalDay({retentionDays:UInt32})
