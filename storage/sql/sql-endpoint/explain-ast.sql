EXPLAIN AST {statement:Statement}
