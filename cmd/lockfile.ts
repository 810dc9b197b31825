/**
 * The embedded data directory's owner: `hindsight serve` writes where its ports
 * are, so the command line can talk to it instead of opening the directory a
 * second time (libchdb data directories are for one process).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Owner {
  pid: number;
  apiUrl: string;
  otlpUrl: string | undefined;
}

const FILE = 'hindsight.owner.json';

export function writeOwner(dataDir: string, owner: Owner): void {
  fs.writeFileSync(path.join(dataDir, FILE), JSON.stringify(owner));
}

export function removeOwner(dataDir: string): void {
  fs.rmSync(path.join(dataDir, FILE), { force: true });
}

/** The live process holding the directory, if any; a stale file (its process gone) is ignored. */
export function readOwner(dataDir: string): Owner | undefined {
  let owner: Owner;
  try {
    owner = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch {
    return undefined;
  }
}
