Hour + toIntervalDay({retentionDays:UInt32})
