-- The migration versions applied, written after each migration's statements.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
)
ENGINE = /*choice engine*/
ORDER BY version
