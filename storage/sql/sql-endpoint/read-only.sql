-- Set last on each of the endpoint's chDB connections: after it, nothing can change its settings.
SET readonly = 1
