// vitest globalSetup: one scratch folder per test run for everything the tests (and the
// CLI, tar, Chromium they start) write through os.tmpdir(): unpacked captures, copies of
// sysfs trees, CLI outputs. It sits on tmpfs (/dev/shm) when that has room — unpacking a
// 9,000-file capture costs ~1.8 s of kernel time on this machine's ext4 /tmp and 0.15 s
// there — and is removed when the run ends, so a test that forgets to clean up leaks
// nothing. A TMPDIR the user set is kept as the place to make it in.
import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Room the run may need at its peak (several unpacked captures and CLI outputs at once). */
const NEEDED_BYTES = 4 * 2 ** 30;

function scratchBase(): string {
  if (process.env['TMPDIR']) return tmpdir();
  try {
    accessSync('/dev/shm', constants.W_OK);
    const s = statfsSync('/dev/shm');
    if (s.bavail * s.bsize >= NEEDED_BYTES) return '/dev/shm';
  } catch {
    // no tmpfs here
  }
  return tmpdir();
}

export default function setup(): () => void {
  const saved = process.env['TMPDIR'];
  const dir = mkdtempSync(join(scratchBase(), 'topolens-test-'));
  process.env['TMPDIR'] = dir;
  return () => {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      // e.g. a tmpfs a test mounted and could not unmount: say so, do not fail the run.
      console.warn(`scratch folder ${dir} not fully removed: ${(e as Error).message}`);
    }
  };
}
