-- Kills the run tagged.sql named, from a connection of its own.
KILL QUERY WHERE startsWith(query, '/* hindsight-sql {pid:UInt32}.{run:UInt32} */') ASYNC
