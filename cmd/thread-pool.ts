/**
 * The size of libuv's thread pool, which the whole process shares. chDB's binding
 * runs every query, stream fetch and insert as N-API async work on it, holding a
 * thread for as long as the engine works; zlib's inflate (gzip request bodies),
 * asynchronous fs and dns.lookup queue on the same threads. With libuv's default
 * of 4, the four SQL readers running long queries held every thread, and gzip
 * exports and the viewer's own queries waited up to the queries' time limit
 * (measured: an export took 58 s).
 *
 * Each kind of work that can hold a thread for long gets its own: one per SQL
 * reader, one for the SQL statement checker (its DESCRIBE runs scalar subqueries),
 * one per concurrent insert, one per connection of the query API (QUERY_READERS),
 * and libuv's default 4 on top for zlib, fs, dns, the edge job and health probes.
 * Defaults: 4 + 1 + 2 + 3 + 4 = 14.
 * Idle pool threads cost a stack of address space each, little memory.
 *
 * Rejected: inflating gzip on a worker thread or synchronously in chunks would
 * free zlib from the pool but leave the viewer's and the writer's chDB calls
 * queued behind SQL, which is the larger part of the starvation.
 */
import type { Config } from '../common/config';
import { QUERY_READERS } from '../storage/store';

/** libuv's own default, kept for everything that is not chDB. */
const LIBUV_DEFAULT = 4;
/** libuv refuses more (it clamps UV_THREADPOOL_SIZE to 1024). */
const LIBUV_MAX = 1024;

export function threadPoolSize(config: Pick<Config, 'sqlMaxConcurrent' | 'insertConcurrency'>): number {
  return Math.min(LIBUV_MAX, config.sqlMaxConcurrent + 1 + config.insertConcurrency + QUERY_READERS + LIBUV_DEFAULT);
}
