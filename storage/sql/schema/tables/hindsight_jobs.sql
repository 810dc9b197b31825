-- The edge job's watermarks: the newest row of a name wins.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)
ENGINE = /*choice engine*/
ORDER BY Name
