-- On a cluster, a sharded table's single-node name: a Distributed table over its local tables,
-- so every query reads the same names on one node or many.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} ON CLUSTER {cluster:Identifier} AS {db:Identifier}.{local:Identifier}
ENGINE = Distributed({cluster:Identifier}, {db:Identifier}, {local:Identifier}, /*choice shardingKey*/)
