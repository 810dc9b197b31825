-- The store's clock: late arrivals are stamped by it, not by this process.
SELECT toUnixTimestamp(now()) AS now
