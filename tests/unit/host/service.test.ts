// The host service both transports share: sessions (what each window/tab has open),
// the channels' handlers, argument checks, and errors that name the user's file.
// Real captures for loading; a counting fake loader where the question is how often
// and what gets loaded.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostService, loadBytes } from '../../../electron/host/service';
import { SessionStore } from '../../../electron/host/sessions';
import type { LoadedTopology, Result } from '../../../electron/ipc';
import { loadInput } from '../../../electron/topology/load';
import type { Snapshot } from '../../../electron/topology/model';

const fx = (p: string) => join(__dirname, '../../../fixtures', p);
const INITIAL = fx('hwloc/linux/2pa-pcidomain32bits.tar.bz2');
const OTHER = fx('hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2');

/** A loader that records what it was asked for and returns a tiny snapshot naming it. */
function fakeLoader() {
  const calls: Array<string | undefined> = [];
  const load = async (input: string | undefined) => {
    calls.push(input);
    return { source: { kind: 'snapshot', name: `${input ?? 'live'}#${calls.length}` }, pci: { devices: [] } } as unknown as Snapshot;
  };
  return { calls, load };
}

const value = <T = LoadedTopology>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.value as T;
};
const name = (l: LoadedTopology) => l.snapshot.source.name;

describe('SessionStore', () => {
  it('keeps at most max sessions, forgetting the least recently used', () => {
    const st = new SessionStore(2, (id) => ({ id, loaded: null, input: undefined }));
    st.get('a');
    st.get('b');
    st.get('a'); // a is now newer than b
    st.get('c');
    expect(st.has('a')).toBe(true);
    expect(st.has('b')).toBe(false);
    expect(st.size).toBe(2);
    expect(() => new SessionStore(0, () => ({ id: '', loaded: null, input: null }))).toThrow(RangeError);
  });
});

describe('host service: sessions', () => {
  it("a file opened in one session changes neither another session nor what a new one sees", async () => {
    const f = fakeLoader();
    const svc = createHostService({ initialInput: '/data/input.tar.gz', load: f.load });
    await svc.loadInitial();
    expect(name(value(await svc.invoke('tab-a', 'topology:get', [])))).toBe('/data/input.tar.gz#1');
    expect(name(value(await svc.invoke('tab-b', 'topology:get', [])))).toBe('/data/input.tar.gz#1');
    const opened = value<LoadedTopology>(await svc.invoke('tab-a', 'topology:open-bytes', ['x.json', new Uint8Array([123, 125])]));
    expect(opened).toMatchObject({ input: 'x.json', reloadable: false, initial: false });
    expect(name(value(await svc.invoke('tab-a', 'topology:get', [])))).toMatch(/x\.json#2$/);
    expect(name(value(await svc.invoke('tab-b', 'topology:get', [])))).toBe('/data/input.tar.gz#1');
    expect(value<LoadedTopology>(await svc.invoke('tab-new', 'topology:get', []))).toMatchObject({ input: '/data/input.tar.gz', initial: true });
    // Reload of dropped bytes keeps them (nothing to re-read), and loads nothing.
    expect(name(value(await svc.invoke('tab-a', 'topology:reload', [])))).toMatch(/x\.json#2$/);
    expect(f.calls).toHaveLength(2);
    // Back to the input: the shared, already loaded one.
    expect(value<LoadedTopology>(await svc.invoke('tab-a', 'topology:open-initial', []))).toMatchObject({ input: '/data/input.tar.gz', initial: true, reloadable: true });
    expect(f.calls).toHaveLength(2);
    // Reload of the input re-reads it.
    expect(name(value(await svc.invoke('tab-a', 'topology:reload', [])))).toBe('/data/input.tar.gz#3');
  });
  it('parse-bytes returns a topology and leaves the current one alone', async () => {
    const f = fakeLoader();
    const svc = createHostService({ initialInput: 'live', load: f.load });
    const parsed = value<LoadedTopology>(await svc.invoke('t', 'topology:parse-bytes', ['b.json', new Uint8Array([1])]));
    expect(parsed).toMatchObject({ input: 'b.json', initial: false });
    expect(value<LoadedTopology>(await svc.invoke('t', 'topology:get', []))).toMatchObject({ input: 'live', initial: true });
    expect(f.calls[0]).toMatch(/b\.json$/);
    expect(f.calls[1]).toBeUndefined(); // live
  });
  it('a forgotten session (LRU) starts again from the input', async () => {
    const f = fakeLoader();
    const svc = createHostService({ initialInput: 'in', maxSessions: 2, load: f.load });
    await svc.invoke('a', 'topology:open-bytes', ['a.json', new Uint8Array([1])]);
    await svc.invoke('b', 'topology:get', []);
    await svc.invoke('c', 'topology:get', []);
    expect(svc.sessions.has('a')).toBe(false);
    expect(value<LoadedTopology>(await svc.invoke('a', 'topology:get', []))).toMatchObject({ input: 'in', initial: true });
  });
  it('openPath with the input again re-reads it and it stays the input; another path is not', async () => {
    const f = fakeLoader();
    const recent: string[] = [];
    const svc = createHostService({ initialInput: 'in', load: f.load, platform: { addRecent: (p) => recent.push(p) } });
    expect(value(await svc.openPath('w', '/x/other.xml'))).toMatchObject({ input: '/x/other.xml', initial: false, reloadable: true });
    expect(value(await svc.openPath('w', 'in'))).toMatchObject({ input: 'in', initial: true });
    expect(recent).toEqual(['/x/other.xml', 'in']);
  });
});

describe('host service: arguments and errors', () => {
  it('runs checkArgs before any handler', async () => {
    const f = fakeLoader();
    const svc = createHostService({ load: f.load });
    expect(await svc.invoke('t', 'topology:open-bytes', ['../../etc/passwd', new Uint8Array()])).toEqual({ ok: false, error: 'file name must be a base name' });
    expect(await svc.invoke('t', 'topology:open-bytes', ['a.txt', 'not bytes'])).toEqual({ ok: false, error: 'file content must be bytes' });
    expect(await svc.invoke('t', 'topology:parse-bytes', ['..', new Uint8Array()])).toEqual({ ok: false, error: 'file name must be a base name' });
    expect(await svc.invoke('t', 'export:data', ['pdf'])).toEqual({ ok: false, error: 'export kind must be json or text' });
    expect(await svc.invoke('t', 'topology:get', [1])).toMatchObject({ ok: false, error: expect.stringMatching(/expected 0 argument/) });
    expect(await svc.invoke('t', 'shell:exec', [])).toEqual({ ok: false, error: 'unknown channel shell:exec' });
    expect(f.calls).toEqual([]);
  });
  it('host-only abilities answer a clear error where the host has none (serve)', async () => {
    const svc = createHostService({ load: fakeLoader().load });
    expect(await svc.invoke('t', 'topology:open-dialog', [])).toEqual({ ok: false, error: 'a file dialog is not available here' });
    expect(await svc.invoke('t', 'capture:save', [])).toEqual({ ok: false, error: 'capture is not available here' });
    expect(value(await svc.invoke('t', 'topology:recent', []))).toEqual([]);
  });
  it('unusable bytes: the error names the user\'s file, never the temp path', async () => {
    const svc = createHostService({ initialInput: INITIAL });
    const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256));
    const cut = readFileSync(INITIAL).subarray(0, 5000);
    for (const [file, bytes, re] of [
      ['junk.bin', junk, /^junk\.bin: binary data/],
      ['cut.tar.bz2', cut, /^cut\.tar\.bz2: .*corrupt or truncated/],
      ['bad.json', Buffer.from('{"format": "topolens-snapshot", "version": 99}'), /^bad\.json: /],
    ] as const) {
      for (const ch of ['topology:open-bytes', 'topology:parse-bytes']) {
        const r = await svc.invoke('t', ch, [file, bytes]);
        expect(r.ok, `${ch} ${file}`).toBe(false);
        const err = (r as { error: string }).error;
        expect(err, `${ch} ${file}`).toMatch(re);
        expect(err).not.toContain(tmpdir());
        expect(err).not.toMatch(/topolens-drop-/);
      }
    }
    // The session still shows the input after the failures.
    expect(value<LoadedTopology>(await svc.invoke('t', 'topology:get', []))).toMatchObject({ initial: true });
  });
  it('real bytes load to the same devices as the file itself', async () => {
    const svc = createHostService({ initialInput: INITIAL });
    const viaBytes = value<LoadedTopology>(await svc.invoke('t', 'topology:open-bytes', ['other.tar.bz2', readFileSync(OTHER)]));
    const direct = (await loadInput(OTHER, { hostFacts: false })).topology;
    expect(viaBytes.snapshot.pci.devices).toEqual(direct.pci.devices);
    expect(viaBytes.snapshot.source).toEqual({ kind: 'archive', name: 'other.tar.bz2' });
    const json = value<string>(await svc.invoke('t', 'export:data', ['json']));
    expect(JSON.parse(json).pci.devices).toHaveLength(direct.pci.devices.length);
  });
  it('loadBytes removes its temp folder, also when loading fails', async () => {
    let seen = '';
    await expect(loadBytes('a.txt', new Uint8Array([1]), async (p) => {
      seen = p;
      throw new Error(`boom in ${p}`);
    })).rejects.toThrow(/^boom in a\.txt$/);
    const { existsSync } = await import('node:fs');
    expect(seen).toMatch(/a\.txt$/);
    expect(existsSync(seen)).toBe(false);
  });
});
