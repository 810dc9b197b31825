-- The hourly edges of hours [from, to), or from `from` on; on a cluster, from the local tables of
-- every node, as delete-edges.sql.
DELETE FROM {db:Identifier}.{table:Identifier} /*optional onCluster*/ WHERE Hour >= toDateTime({from:UInt32}) /*optional until*/
