// Writes a file so that a crash, a full disk or a read-only folder never leaves a
// half-written file or destroys the old one: temp file in the same folder, fsync,
// rename. Refuses to replace an existing file unless told to, and never replaces
// anything but a regular file (a device, FIFO or folder stays what it is).
import { closeSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors';

export interface WriteOptions {
  /** Replace an existing file. */
  readonly force?: boolean;
  /** Tests inject a failing writer to simulate a full disk. */
  readonly writeSync?: typeof writeSync;
}

export function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  let target = path;
  let st;
  try {
    st = lstatSync(path);
  } catch {
    st = null;
  }
  if (st) {
    if (!opts.force) throw new InputError('already exists (use --force to replace it)', path);
    // Replace what a symlink points to, not the link.
    if (st.isSymbolicLink()) {
      try {
        target = realpathSync(path);
        st = lstatSync(target);
      } catch {
        st = null; // dangling link: create its target
      }
    }
    if (st && !st.isFile()) throw new InputError('exists and is not a regular file; refusing to replace it', path);
  }
  const write = opts.writeSync ?? writeSync;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += write(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`cannot write (${err.code ?? err.message}); nothing was changed`, path);
  }
}
