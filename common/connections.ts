/**
 * How many connections each port holds at once. Every connection is a file
 * descriptor, and so is every file chDB opens: with a 1,024-file limit, 957 idle
 * keep-alive connections left the engine none, and exports and the viewer failed.
 * Past the cap a port closes new connections at once (Node's server.maxConnections),
 * so a flood costs its own connections, not the store's files.
 *
 * The default gives connections half of the process's open-file soft limit, shared
 * by the three ports a process can open (OTLP/HTTP, OTLP/gRPC, viewer):
 * floor(limit / 2 / 3), so 170 per port at 1,024 and 10,922 at 65,536. The other
 * half is for chDB (about 85 files idle and 290 at the peak of an ingest benchmark
 * with merges), the journal, logs and outgoing connections. Node raises its soft
 * limit to the hard one at start, so this reads the limit the process really has.
 */
import * as fs from 'node:fs';
import type { Config } from './config';

/** What a process is allowed when its limit cannot be read (the usual Linux soft default). */
const FALLBACK_FILE_LIMIT = 1024;
const PORTS = 3;

/** The open-file soft limit, from /proc/self/limits ("Max open files  <soft>  <hard>  files"). */
export function openFileLimit(readLimits: () => string = () => fs.readFileSync('/proc/self/limits', 'utf8')): number {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(readLimits())?.[1];
    if (soft === undefined) return FALLBACK_FILE_LIMIT;
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    // Not Linux, or /proc is not mounted.
    return FALLBACK_FILE_LIMIT;
  }
}

/** Connections one port holds at once: --max-connections, or the share of the file limit above. */
export function connectionCap(config: Pick<Config, 'maxConnections'>, fileLimit: number = openFileLimit()): number {
  if (config.maxConnections > 0) return config.maxConnections;
  return Math.max(1, Math.floor(fileLimit / 2 / PORTS));
}
