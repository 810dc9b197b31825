SELECT toUnixTimestamp(now()) AS now;
