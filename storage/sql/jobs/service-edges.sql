-- The job's service -> service edges of minutes [from, to): the select is shared with the live map.
INSERT INTO {db:Identifier}.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
/*include select*/
