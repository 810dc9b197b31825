toUInt64(durationNs) DESC
