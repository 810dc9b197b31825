-- Migration 11, last step: the new value indexes written for the parts stored before it, as a
-- background mutation (start-up does not wait for it; system.mutations shows its progress).
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
MATERIALIZE INDEX idx_res_attr_value,
MATERIALIZE INDEX idx_span_attr_value
