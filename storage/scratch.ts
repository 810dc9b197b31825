/**
 * Private scratch files for embedded inserts. chDB takes binary insert data only
 * from a file: its raw insert reads data inline in the query text, which ends at
 * the first empty line ("\n\n"), and Native blocks hold those bytes wherever a
 * length or an id happens to. So each batch is written to a file here and read
 * with `INSERT … SELECT * FROM file()`.
 *
 * The directory is memory-backed where the machine has /dev/shm (a batch never
 * touches a disk), else under the OS temp directory. It is created 0700 and
 * removed when the store closes or the process exits. The SQL endpoint cannot read
 * it: its guard refuses file() and every other host access.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Scratch {
  dir: string;
  /** Writes the chunks to a new file of the directory and returns its path. */
  write(chunks: readonly Buffer[]): Promise<string>;
  remove(file: string): Promise<void>;
  close(): void;
}

const SHM = '/dev/shm';

function root(): string {
  try {
    fs.accessSync(SHM, fs.constants.W_OK);
    if (fs.statSync(SHM).isDirectory()) return SHM;
  } catch {
    // no tmpfs here: the OS temp directory
  }
  return os.tmpdir();
}

export function openScratch(): Scratch {
  const dir = fs.mkdtempSync(path.join(root(), 'hindsight-insert-'));
  fs.chmodSync(dir, 0o700);
  let next = 0;
  const close = (): void => {
    process.removeListener('exit', close);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', close);
  return {
    dir,
    async write(chunks) {
      const file = path.join(dir, `${next++}.native`);
      const handle = await fs.promises.open(file, 'wx', 0o600);
      try {
        await handle.writev([...chunks]);
      } finally {
        await handle.close();
      }
      return file;
    },
    remove: (file) => fs.promises.rm(file, { force: true }),
    close,
  };
}
