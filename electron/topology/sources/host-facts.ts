// Host facts sysfs does not carry (hostname, OS, CPU brand, total memory), from
// `systeminformation` in live mode. Loaded lazily: captures never need it.
import os from 'node:os';

export interface HostFacts {
  hostname: string;
  os: string | null;
  cpuBrand: string | null;
  totalMemoryBytes: number;
  arch: string;
  kernel: string;
  platform: NodeJS.Platform;
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), ms).unref())]);
}

export async function readHostFacts(): Promise<HostFacts> {
  const base: HostFacts = {
    hostname: os.hostname(),
    os: null,
    cpuBrand: null,
    totalMemoryBytes: os.totalmem(),
    arch: typeof os.machine === 'function' ? os.machine() : (ARCH[process.arch] ?? process.arch),
    kernel: os.release(),
    platform: process.platform,
  };
  try {
    const si = (await import('systeminformation')).default;
    const [osInfo, cpu] = await Promise.all([withTimeout(si.osInfo(), 3000), withTimeout(si.cpu(), 3000)]);
    if (osInfo) base.os = [osInfo.distro, osInfo.release].filter(Boolean).join(' ') || osInfo.platform || null;
    if (cpu) base.cpuBrand = [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || null;
  } catch {
    // systeminformation missing or failing: the node:os facts above still hold.
  }
  return base;
}
