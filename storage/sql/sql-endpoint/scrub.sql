-- A trivial query: a chDB stream that ended in an error stays in system.processes until its
-- connection runs another one.
SELECT 1
