/**
 * Runs a rendered SELECT. Apart from the registry, so that storage/schema.ts can
 * use it: the catalogue reads schema.ts's table names as it loads.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Rendered } from './declare';

/** A rendered SELECT's rows, as ClickHouse's JSONEachRow gives them (64-bit integers as strings from a server). */
export async function selectRows<T>(client: ClickHouseClient, statement: Rendered): Promise<T[]> {
  return (await client.query({ ...statement, format: 'JSONEachRow' })).json<T>();
}
