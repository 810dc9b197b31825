SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND table NOT LIKE '.inner%' ORDER BY table, position
