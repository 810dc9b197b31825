-- The edges of minutes [from, to), or from `from` on. On a cluster, from the local tables of
-- every node: a Distributed table takes no DELETE.
DELETE FROM {db:Identifier}.{table:Identifier} /*optional onCluster*/ WHERE Minute >= toDateTime({from:UInt32}) /*optional until*/
