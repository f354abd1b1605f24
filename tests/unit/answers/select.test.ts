// Device selection (SEL) over a real capture (the lab's DPDK/SPDK machine): addresses
// with and without domain, OS device names, role words, class words, all, the default
// set, and tokens that match nothing reported rather than dropped.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceLabel, selectDevices } from '../../../electron/topology/answers/select';
import { loadInput } from '../../../electron/topology/load';

const file = join(__dirname, '../../../fixtures/lab/x86-q35-dpdk-spdk/capture.tar.gz');

describe('selectDevices', async () => {
  const t = (await loadInput(file, { hostFacts: false })).topology;
  const sel = (s?: string) => selectDevices(t, s).devices.map((d) => d.address);
  it('addresses, short or full, in topology order without duplicates', () => {
    expect(sel('24:00.0,0000:23:00.0,23:00.0')).toEqual(['0000:23:00.0', '0000:24:00.0']);
  });
  it('OS device names (netdev, nvme controller)', () => {
    expect(sel('eth3')).toEqual(['0000:82:00.0']);
    expect(sel('nvme0')).toEqual(['0000:81:00.0']);
  });
  it('roles from the annotator, by their reason: dpdk = bound to a userspace driver, spdk = NVMe on one', () => {
    expect(sel('dpdk')).toEqual(t.pci.devices.filter((d) => d.roles.includes('dpdk')).map((d) => d.address));
    expect(sel('dpdk')).toEqual(['0000:24:00.0', '0000:26:00.0']);
    expect(sel('spdk')).toEqual(['0000:23:00.0']);
  });
  it('the default set: the NVMe and network endpoints, no bridges', () => {
    expect(sel()).toEqual(['0000:01:00.0', '0000:23:00.0', '0000:24:00.0', '0000:25:00.0', '0000:26:00.0', '0000:81:00.0', '0000:82:00.0']);
  });
  it('all, and unknown tokens reported', () => {
    expect(sel('all')).toHaveLength(t.pci.devices.length);
    expect(selectDevices(t, 'eth0,bogus,99:00.0').unmatched).toEqual(['bogus', '99:00.0']);
  });
  it('labels: the OS device people know, else the bus address', () => {
    const by = (a: string) => t.pci.devices.find((d) => d.address === a)!;
    expect(deviceLabel(by('0000:81:00.0'))).toBe('nvme0');
    expect(deviceLabel(by('0000:23:00.0'))).toBe('23:00.0'); // on vfio-pci: no OS device left
  });
});
