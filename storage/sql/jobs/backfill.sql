-- One backfill step: a derived table's rows for one hour of existing spans.
INSERT INTO {db:Identifier}.{target:Identifier} {select:Statement}
