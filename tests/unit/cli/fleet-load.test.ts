// Which files and folders `topolens fleet` takes as machines, and what it calls them:
// a capture file by its name, a sysfs folder or a per-host folder with one capture by
// the folder, several captures in one folder as "folder/file"; hidden files skipped;
// an empty folder, a missing path or a name given twice is a one-line input error.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMembers } from '../../../electron/cli/fleet-load';
import { InputError } from '../../../electron/topology/errors';

const repo = join(__dirname, '../../..');
const LAB = join(repo, 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz');
const work = mkdtempSync(join(tmpdir(), 'topolens-members-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('listMembers', () => {
  it('names members by file, by host folder, or folder/file', () => {
    const dir = join(work, 'fleet');
    mkdirSync(join(dir, 'host1'), { recursive: true });
    cpSync(LAB, join(dir, 'host1', 'capture.tar.gz'));
    mkdirSync(join(dir, 'rack'));
    cpSync(LAB, join(dir, 'rack', 'a.tar.gz'));
    cpSync(LAB, join(dir, 'rack', 'b.tar.gz'));
    mkdirSync(join(dir, 'tree', 'sys'), { recursive: true });
    cpSync(LAB, join(dir, 'loose.tar.gz'));
    writeFileSync(join(dir, '.made'), 'x');
    const m = listMembers([dir]);
    expect(m.map((x) => x.member)).toEqual(['host1', 'loose.tar.gz', 'rack/a.tar.gz', 'rack/b.tar.gz', 'tree']);
    expect(m.find((x) => x.member === 'host1')!.path).toBe(join(dir, 'host1', 'capture.tar.gz'));
    expect(listMembers([LAB]).map((x) => x.member)).toEqual([LAB]);
  });
  it('refuses an empty folder, a missing path and a member named twice', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect(() => listMembers([empty])).toThrow(InputError);
    expect(() => listMembers([join(work, 'nope')])).toThrow(/no such file or folder/);
    expect(() => listMembers([LAB, LAB])).toThrow(/named twice/);
  });
});
