KILL QUERY WHERE startsWith(query, '/* hindsight-sql 4242.7 */') ASYNC;
