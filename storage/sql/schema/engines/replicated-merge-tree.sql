-- A sharded table's local table on a cluster: replicated within its shard ({shard} and
-- {replica} are the nodes' macros).
ReplicatedMergeTree('/clickhouse/tables/{shard}/{db:Identifier}/{table:Identifier}', '{replica}')
