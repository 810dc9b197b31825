-- A small bookkeeping table on a cluster: every node is a replica of one global table (no
-- {shard} in the Keeper path; {shard}-{replica} names each node uniquely), read and written on any node.
ReplicatedReplacingMergeTree('/clickhouse/tables/global/{db:Identifier}/{table:Identifier}', '{shard}-{replica}')
