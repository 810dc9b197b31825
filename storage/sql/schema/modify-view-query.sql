-- Lifts a view's cutoff once the backfill has written every span before it.
ALTER TABLE {db:Identifier}.{view:Identifier} /*optional onCluster*/ MODIFY QUERY {select:Statement}
