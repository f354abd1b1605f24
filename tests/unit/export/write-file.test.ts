import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../electron/topology/export/write-file';

describe('atomic writes', () => {
  it('writes, refuses to overwrite, replaces with force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-wf-'));
    const f = join(dir, 'a.txt');
    writeFileAtomic(f, 'one');
    expect(() => writeFileAtomic(f, 'two')).toThrow(/already exists/);
    writeFileAtomic(f, 'two', { force: true });
    expect(readFileSync(f, 'utf8')).toBe('two');
  });
  it('a failing write (ENOSPC) keeps the old file and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-wf-'));
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'old');
    const enospc = () => {
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    };
    expect(() => writeFileAtomic(f, 'new', { force: true, writeSync: enospc as never })).toThrow(/cannot write \(ENOSPC\); nothing was changed/);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });
  it('writes through a symlink to its target, keeping the link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-wf-'));
    writeFileSync(join(dir, 'real.txt'), 'old');
    symlinkSync('real.txt', join(dir, 'link.txt'));
    writeFileAtomic(join(dir, 'link.txt'), 'new', { force: true });
    expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['link.txt', 'real.txt']);
  });
  it('never replaces a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-wf-'));
    expect(() => writeFileAtomic(dir, 'x', { force: true })).toThrow(/not a regular file/);
  });
});
