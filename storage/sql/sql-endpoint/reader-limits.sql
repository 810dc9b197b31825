-- The limits every analytics query runs under, on a chDB reader connection (settings persist
-- per connection). Introspection reads the binary and the server's threads; the check refuses it too.
SET max_result_rows = {maxRows:UInt64}, result_overflow_mode = 'throw', max_execution_time = {maxExecutionSeconds:UInt32}, max_memory_usage = {maxMemoryBytes:UInt64}, allow_introspection_functions = 0
