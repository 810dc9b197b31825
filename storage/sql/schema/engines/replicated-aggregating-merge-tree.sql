-- See replicated-merge-tree.sql.
ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{db:Identifier}/{table:Identifier}', '{replica}')
