toDateTime(Timestamp) + toIntervalDay({retentionDays:UInt32})
