SELECT name, is_aggregate, case_insensitive, alias_to, categories FROM system.functions;
