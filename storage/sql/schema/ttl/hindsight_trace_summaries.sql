Bucket + toIntervalDay({retentionDays:UInt32})
