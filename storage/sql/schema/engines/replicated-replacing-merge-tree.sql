-- See replicated-merge-tree.sql.
ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{db:Identifier}/{table:Identifier}', '{replica}')
