-- Brings a table's TTL to the configured retention.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/ MODIFY TTL /*choice ttl*/
