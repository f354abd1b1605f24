// The system bzip2 (fast path) and the JavaScript decoder (fallback) must give the
// same bytes and the same errors: one stream, trailing garbage, several streams,
// truncation, the size limit.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decompress } from '../../../electron/topology/sources/archive';

const fixture = join(__dirname, '../../../fixtures/hwloc/linux/2pa-pcidomain32bits.tar.bz2');
const hasBzip2 = existsSync('/usr/bin/bzip2') || existsSync('/bin/bzip2');

/** Each decoder's result: its output's length and hash, or its error. */
function both(data: Uint8Array, max = 1 << 30): string[] {
  const out: string[] = [];
  for (const native of ['1', '0']) {
    process.env['TOPOLENS_NATIVE_BZIP2'] = native;
    try {
      const bytes = decompress(data, 'bzip2', max);
      out.push(`${bytes.length} bytes ${createHash('sha256').update(bytes).digest('hex')}`);
    } catch (e) {
      out.push(`${(e as Error).constructor.name}: ${(e as Error).message}`);
    }
  }
  return out;
}

describe.skipIf(!hasBzip2)('bzip2: system decoder and JavaScript decoder agree', () => {
  afterEach(() => {
    delete process.env['TOPOLENS_NATIVE_BZIP2'];
  });
  const bz = readFileSync(fixture);
  const small = execFileSync('bzip2', ['-c'], { input: 'second stream' });
  it('one stream', () => {
    const [a, b] = both(bz);
    expect(a).toMatch(/^[1-9]\d* bytes /);
    expect(a).toEqual(b);
  });
  it('trailing garbage after the stream', () => {
    const [a, b] = both(Buffer.concat([bz, Buffer.from('garbage!')]));
    expect(a).toEqual(b);
  });
  it('a second stream (read as the JavaScript decoder reads it: first stream only)', () => {
    const [a, b] = both(Buffer.concat([bz, small]));
    expect(a).toEqual(b);
  });
  it('truncated data', () => {
    const [a, b] = both(bz.subarray(0, bz.length >> 1));
    expect(a).toMatch(/corrupt or truncated/);
    expect(a).toEqual(b);
  });
  it('the size limit', () => {
    const [a, b] = both(bz, 4096);
    expect(a).toMatch(/more than 4096 bytes/);
    expect(a).toEqual(b);
  });
});
