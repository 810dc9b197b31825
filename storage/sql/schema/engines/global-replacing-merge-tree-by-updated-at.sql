-- See global-replacing-merge-tree.sql.
ReplicatedReplacingMergeTree('/clickhouse/tables/global/{db:Identifier}/{table:Identifier}', '{shard}-{replica}', UpdatedAt)
