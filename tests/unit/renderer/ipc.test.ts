// The IPC contract's argument checks (run by both hosts: Electron handlers and serve).
import { describe, expect, it } from 'vitest';
import { checkArgs, exportFileName, INVOKE_CHANNELS, MAX_DROP_BYTES } from '../../../electron/ipc';

describe('checkArgs', () => {
  it('accepts well-formed calls', () => {
    expect(checkArgs('topology:get', [])).toBeNull();
    expect(checkArgs('topology:open-recent', [3])).toBeNull();
    expect(checkArgs('topology:open-bytes', ['capture.tar.gz', new Uint8Array(4)])).toBeNull();
    expect(checkArgs('export:data', ['json'])).toBeNull();
    expect(checkArgs('export:save', ['svg', '<svg/>'])).toBeNull();
    expect(checkArgs('export:save', ['png', new Uint8Array(4)])).toBeNull();
  });
  it('refuses extra arguments, paths, wrong types and oversized data', () => {
    expect(checkArgs('topology:get', ['x'])).toMatch(/expected 0/);
    expect(checkArgs('topology:open-recent', [-1])).toMatch(/range/);
    expect(checkArgs('topology:open-recent', ['0'])).toMatch(/range/);
    expect(checkArgs('topology:open-bytes', ['/etc/passwd', new Uint8Array(1)])).toMatch(/base name/);
    expect(checkArgs('topology:open-bytes', ['..\\x', new Uint8Array(1)])).toMatch(/base name/);
    expect(checkArgs('topology:open-bytes', ['a', 'not bytes'])).toMatch(/bytes/);
    expect(checkArgs('topology:open-bytes', ['a', { byteLength: MAX_DROP_BYTES + 1 }])).toMatch(/bytes/);
    expect(checkArgs('export:data', ['dot'])).toMatch(/json or text/);
    expect(checkArgs('export:save', ['exe', 'x'])).toMatch(/unknown export kind/);
    expect(checkArgs('export:save', ['png', 'text'])).toMatch(/PNG data must be bytes/);
    expect(checkArgs('nope' as never, [])).toMatch(/unknown channel/);
  });
  it('covers every channel', () => {
    for (const c of INVOKE_CHANNELS) expect(checkArgs(c, []) ?? '').not.toMatch(/unknown channel/);
  });
  it('suggests safe export file names', () => {
    const s = { machine: { hostname: 'web 01/../x', arch: 'x86_64', kernel: null, cpuModel: null, cpus: [] }, source: { kind: 'live' as const, name: 'live' } };
    expect(exportFileName(s, 'svg')).toBe('web_01_.._x-topology.svg');
    expect(exportFileName({ ...s, machine: { ...s.machine, hostname: null }, source: { kind: 'archive', name: 'cap.tar.gz' } }, 'text')).toBe('cap-topology.txt');
  });
});
