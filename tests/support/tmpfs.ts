/**
 * A small tmpfs for tests of a full disk: mounted for the test, filled to the byte,
 * unmounted after. Mounting needs root (or CAP_SYS_ADMIN), as in CI; where it is
 * not permitted, tests ask `tmpfsUnavailable()` and skip, saying why.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const MOUNT_COMMAND = 'mount -t tmpfs -o size=<n>m tmpfs <dir>';

/** Why a tmpfs cannot be mounted here, or undefined when it can (tried with a 1 MiB one). */
export function tmpfsUnavailable(): string | undefined {
  try {
    const probe = mountTmpfs(1);
    probe.unmount();
    return undefined;
  } catch (err) {
    return `\`${MOUNT_COMMAND}\` is not permitted here (${(err as Error).message.split('\n')[0]}); run as root to test a full disk`;
  }
}

export interface Tmpfs {
  dir: string;
  /** Bytes an unprivileged write can still take. */
  free(): number;
  /** Fills the file system until `leave` bytes are free (0: until a write fails with ENOSPC). */
  fill(leave: number): void;
  /** Removes what fill() wrote. */
  unfill(): void;
  unmount(): void;
}

export function mountTmpfs(sizeMiB: number): Tmpfs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    throw err;
  }
  const filler = path.join(dir, 'filler');
  const free = (): number => {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    free,
    fill(leave) {
      const fd = fs.openSync(filler, 'a');
      try {
        // Whole pages first, then single bytes, so that exactly `leave` bytes stay free.
        for (const step of [1 << 20, 1 << 12, 1]) {
          const chunk = Buffer.alloc(step);
          while (free() - step >= leave) fs.writeSync(fd, chunk);
        }
        if (leave === 0) {
          // tmpfs counts pages: top up the last partial page until the kernel says ENOSPC.
          for (;;) fs.writeSync(fd, Buffer.alloc(1));
        }
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      } finally {
        fs.closeSync(fd);
      }
    },
    unfill() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmdirSync(dir);
    },
  };
}
