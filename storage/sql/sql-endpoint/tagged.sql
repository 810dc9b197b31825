-- A statement on a chDB reader, named by a comment so that kill.sql can find it in system.processes.
/* hindsight-sql {pid:UInt32}.{run:UInt32} */ {statement:Statement}
