-- DDL and the edge job's DELETE on a cluster: run on every node.
ON CLUSTER {cluster:Identifier}
