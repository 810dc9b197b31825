SELECT name FROM system.aggregate_function_combinators;
