// `lspci -tv` as people paste it: inside Markdown after a shell prompt (the real pastes in
// fixtures/pastes), with the leading space lost, every line's leading blanks trimmed,
// indented as a code block, CRLF line ends, prose around it. Each variant must give the
// tree of the paste as lspci printed it; the function count is checked against the number
// of `dd.f` tokens in the pasted block, counted here by a plain regex.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLspci } from '../../../electron/topology/parse/lspci';
import { snapshotFromLspci } from '../../../electron/topology/sources/lspci';

const paste = (f: string): string => readFileSync(join(__dirname, '../../../fixtures/pastes', f), 'utf8');

/** The tree block of a paste: the lines after the `lspci -tv` prompt up to the closing fence. */
function treeBlock(md: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => /lspci -tv\s*$/.test(l)) + 1;
  const end = lines.findIndex((l, i) => i >= start && l.startsWith('```'));
  return lines.slice(start, end);
}

const shape = (text: string) => (parseLspci(text, 't.txt').tree ?? []).map((e) => [e.address, e.parent, e.secondaryBus, e.nameText]);

describe('pasted lspci -tv', () => {
  for (const f of ['stelline-asus-esc8000a-e12.md', 'stelline-puget-threadripper-pro-wrx90.md']) {
    const md = paste(f);
    const block = treeBlock(md);
    const functions = block.join('\n').match(/[0-9a-f]{2}\.[0-7]/g)!.length;
    const reference = shape(block.join('\n'));

    it(`${f}: the whole Markdown file gives the tree block's ${functions} functions, prose and prompt as warnings`, () => {
      expect(reference.length).toBe(functions);
      const r = parseLspci(md, f);
      expect(shape(md)).toEqual(reference);
      expect(r.diagnostics.some((d) => /unrecognised line.*lspci -tv/.test(d.message))).toBe(true);
    });

    const variants: Record<string, string> = {
      'leading space lost': block.map((l) => l.replace(/^ /, '')).join('\n'),
      'all leading blanks trimmed': block.map((l) => l.trimStart()).join('\n'),
      'indented code block': block.map((l) => `    ${l}`).join('\n'),
      'CRLF line ends': block.join('\r\n'),
      'prompt and prose around it': ['Here is the box:', '', 'root@host:~# lspci -tv', ...block.map((l) => l.replace(/^ /, '')), '', 'Thanks!'].join('\n'),
    };
    for (const [what, text] of Object.entries(variants)) {
      it(`${f}: ${what} gives the same tree`, () => {
        expect(shape(text)).toEqual(reference);
      });
    }
  }

  it('the ESC8000A tree through the pipeline: parents from the tree, ids recovered from the names, arch from the AMD root complexes', () => {
    const block = treeBlock(paste('stelline-asus-esc8000a-e12.md')).map((l) => l.trimStart()).join('\n');
    const t = snapshotFromLspci(block, 'esc.txt').topology;
    expect(t.pci.devices.find((d) => d.address === '0000:01:00.0')!.parent).toBe('0000:00:01.1');
    expect(t.pci.devices.find((d) => d.address === '0000:65:00.0')!.parent).toBe('0000:64:10.0');
    // "Advanced Micro Devices, Inc. [AMD] Device 14a4": the vendor by name, the device by the number lspci printed.
    expect(t.pci.devices.find((d) => d.address === '0000:00:00.0')).toMatchObject({ vendorId: '0x1022', deviceId: '0x14a4' });
    // The tree prints no class: no role may come from one. The arch comes from the AMD
    // function first on each root bus (the box is a 2-socket EPYC Genoa).
    expect(t.pci.devices.every((d) => d.classCode === null || d.classCode === '0x0604')).toBe(true);
    expect(t.machine).toMatchObject({ arch: 'x86_64', archSource: expect.stringMatching(/AMD function 0000:00:00\.0 \[1022:14a4\]/) });
  });

  it('-tv of the lab guests: the arch the capture of the same guest says (x86 q35), unknown on arm64 virt (a Red Hat host bridge)', async () => {
    const { loadInput } = await import('../../../electron/topology/load');
    for (const [shape, arch] of [['x86-q35-dpdk-spdk', 'x86_64'], ['arm64-virt-acpi-neoverse-n1', 'unknown']] as const) {
      const tv = snapshotFromLspci(readFileSync(join(__dirname, `../../../fixtures/lspci-no-nn/lab-${shape}.tv.txt`), 'utf8'), 'tv').topology;
      expect([shape, tv.machine.arch]).toEqual([shape, arch]);
      if (arch !== 'unknown') expect((await loadInput(join(__dirname, `../../../fixtures/lab/${shape}/capture.tar.gz`))).topology.machine.arch).toBe(arch);
    }
  });
});
