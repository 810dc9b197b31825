-- defaults
SET max_result_rows = 100000, result_overflow_mode = 'throw', max_execution_time = 30, max_memory_usage = 1073741824, allow_introspection_functions = 0;
