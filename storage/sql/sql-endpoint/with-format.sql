-- A checked statement on a ClickHouse server, in the format the endpoint frames its rows in.
{statement:Statement}
FORMAT {format:Identifier}
