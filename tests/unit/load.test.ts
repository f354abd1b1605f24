// loadInput's front door: an input that yields nothing usable is an InputError naming the
// file (so the CLI exits 2 with one line `topolens: FILE: reason` and writes no output),
// whatever format it was taken for. A usable input of each kind still loads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../electron/topology/errors';
import { loadInput } from '../../electron/topology/load';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'topolens-load-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const UNUSABLE: Array<[string, string, RegExp]> = [
  ['notes.txt', 'hello world\nnothing here\n', /not lspci output: no PCI device found .* first unrecognised line 1: "hello world"/],
  ['empty.txt', '', /empty input/],
  ['blank.txt', '\n\n   \n', /empty input/],
  ['object.json', '{}\n', /not a valid topolens snapshot: "format" is undefined/],
  ['array.json', '[]\n', /not a valid topolens snapshot: top level is not an object/],
  ['empty-topology.xml', '<?xml version="1.0"?>\n<topology version="2.0"></topology>\n', /hwloc XML with no PCI functions, CPUs or NUMA nodes/],
  ['machine-only.xml', '<?xml version="1.0"?>\n<topology version="2.0">\n<object type="Machine" os_index="0"/>\n</topology>\n', /hwloc XML with no PCI functions, CPUs or NUMA nodes/],
  ['page.html', '<html><body>hi</body></html>\n', /root element is <html>, not <topology>/],
];

describe('loadInput: nothing usable is an InputError naming the file', () => {
  for (const [name, text, reason] of UNUSABLE) {
    it(name, async () => {
      const p = file(name, text);
      const err = await loadInput(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(reason);
      // The path the user gave (for XML refusals with its line: FILE:LINE).
      expect((err as InputError).path?.startsWith(p)).toBe(true);
    });
  }

  it('a folder whose sys/ holds nothing, likewise (an empty folder is not even a capture)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'topolens-load-sys-'));
    await expect(loadInput(d)).rejects.toThrow(/not a sysfs capture/);
    mkdirSync(join(d, 'sys/bus/pci/devices'), { recursive: true });
    await expect(loadInput(d)).rejects.toThrow(/sysfs folder with no PCI functions, CPUs or NUMA nodes/);
  });

  it('one lspci one-liner is enough', async () => {
    const p = file('one.txt', '00:00.0 Host bridge [0600]: Intel Corporation 440FX - 82441FX PMC [Natoma] [8086:1237] (rev 02)\n');
    const { topology } = await loadInput(p);
    expect(topology.pci.devices.map((d) => d.address)).toEqual(['0000:00:00.0']);
  });

  it('the CLI: exit 2, one line "topolens: FILE: reason" on stderr, no output file', () => {
    const p = file('cli-notes.txt', 'hello world\n');
    const out = join(dir, 'out.json');
    const r = spawnSync(process.execPath, [join(repo, 'bin/topolens.cjs'), 'export', p, '--format', 'json', '-o', out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^topolens: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not lspci output`));
    expect(existsSync(out)).toBe(false);
  });
});

describe('capture time', () => {
  it('is null when the input does not record it (lspci text), not an invented epoch; the snapshot still validates and round-trips', async () => {
    const input = join(repo, 'fixtures/lspci/aarch64-huawei-taishan2280v2-kunpeng920-hi1822-switch.txt');
    const { topology } = await loadInput(input);
    expect(topology.capturedAt).toBeNull();
    const again = await loadInput(file('again.json', JSON.stringify(topology)));
    expect(again.topology.capturedAt).toBeNull();
    expect(again.topology.pci.devices.length).toBe(topology.pci.devices.length);
  });

  it('is a real time for a capture archive (its own metadata, or when it was read)', async () => {
    const now = new Date('2030-05-06T07:08:09Z');
    const { topology } = await loadInput(join(repo, 'fixtures/lab/x86-q35-cxl/capture.tar.gz'), { now: () => now });
    expect(topology.capturedAt).not.toBeNull();
    expect(Number.isNaN(Date.parse(topology.capturedAt!))).toBe(false);
  });
});
