-- Spans' merges: a part is merged once about ten of its size are there (the engine's
-- default is five), so each span is rewritten fewer times on its way to a large part.
-- A merge costs about as much per row as the insert did (decompress, sort, compress,
-- skip indexes rebuilt); measured in README, Performance.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/ MODIFY SETTING merge_selector_base = 10
