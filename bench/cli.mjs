// Target 1: the CLI end to end against lstopo and lspci on the same input (hwloc's
// largest real capture), interleaved runs, medians; process start-up measured apart.
//   node bench/cli.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo } from './lib/engine.mjs';
import { has, interleave, toolVersion } from './lib/timing.mjs';

export const FIXTURE = 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2';

export async function benchCli({ runs = 21 } = {}) {
  // The file the `topolens` command runs: package.json "bin" (what npm's shim executes).
  const bin = join(repo, JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).bin.topolens);
  const archive = join(repo, FIXTURE);
  // Build the bundle and its code cache first: the first run after a source change
  // builds with esbuild, and the first run of each command path adds its functions to
  // the code cache; neither is what is being measured.
  for (let i = 0; i < 2; i += 1) spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
  const tmp = mkdtempSync(join(tmpdir(), 'topolens-bench-cli-'));
  try {
    execFileSync('tar', ['xjf', archive, '-C', tmp]);
    const top = join(tmp, readdirSync(tmp)[0]);
    for (const input of [top, archive]) spawnSync(process.execPath, [bin, 'export', input, '--format', 'json'], { stdio: 'ignore' });
    const env = { ...process.env };
    const noCa = { ...process.env };
    delete noCa.NODE_EXTRA_CA_CERTS;
    const node = process.execPath;
    const startup = [
      { name: 'node -e 0', cmd: node, args: ['-e', '0'], env },
      { name: 'topolens --help', cmd: node, args: [bin, '--help'], env },
    ];
    if (process.env.NODE_EXTRA_CA_CERTS) {
      startup.push({ name: 'node -e 0 (NODE_EXTRA_CA_CERTS unset)', cmd: node, args: ['-e', '0'], env: noCa });
      startup.push({ name: 'topolens --help (NODE_EXTRA_CA_CERTS unset)', cmd: node, args: [bin, '--help'], env: noCa });
    }
    const e2e = [
      { name: 'topolens export DIR --format json', cmd: node, args: [bin, 'export', top, '--format', 'json'], env },
      { name: 'topolens export ARCHIVE.tar.bz2 --format json', cmd: node, args: [bin, 'export', archive, '--format', 'json'], env },
    ];
    const tools = {};
    if (has('lstopo-no-graphics')) {
      tools.lstopo = toolVersion('lstopo-no-graphics', ['--version']);
      e2e.push({
        name: 'lstopo-no-graphics --whole-io --of xml',
        cmd: 'lstopo-no-graphics',
        args: ['--whole-io', '--of', 'xml'],
        env: { ...env, HWLOC_FSROOT: top, HWLOC_COMPONENTS: 'linux,stop' },
      });
    }
    if (has('lspci')) {
      tools.lspci = toolVersion('lspci', ['--version']);
      e2e.push({ name: 'lspci -tv (linux-sysfs)', cmd: 'lspci', args: ['-tv', '-A', 'linux-sysfs', '-O', `sysfs.path=${join(top, 'sys/bus/pci')}`], env });
    }
    // The floor under the archive case: the system bzip2 alone, as topolens runs it.
    if (has('bzip2')) e2e.push({ name: 'bzip2 -dc ARCHIVE > /dev/null', cmd: 'bzip2', args: ['-dc', archive], env });
    if (process.env.NODE_EXTRA_CA_CERTS) {
      e2e.push({ name: 'topolens export DIR --format json (NODE_EXTRA_CA_CERTS unset)', cmd: node, args: [bin, 'export', top, '--format', 'json'], env: noCa });
    }
    const s = interleave(startup, runs);
    const e = interleave(e2e, runs);
    const get = (name) => e.find((x) => x.name === name);
    const tl = get('topolens export DIR --format json');
    const tla = get('topolens export ARCHIVE.tar.bz2 --format json');
    const ls = get('lstopo-no-graphics --whole-io --of xml');
    const lp = get('lspci -tv (linux-sysfs)');
    const ratios = {};
    if (ls) {
      ratios['topolens DIR / lstopo'] = tl.wallMs / ls.wallMs;
      ratios['topolens ARCHIVE / lstopo'] = tla.wallMs / ls.wallMs;
    }
    if (lp) ratios['topolens DIR / lspci -tv'] = tl.wallMs / lp.wallMs;
    // Target 3 (issue 19): an archive opens within 1.5× the time of the same folder.
    ratios['topolens ARCHIVE / DIR'] = tla.wallMs / tl.wallMs;
    return { fixture: FIXTURE, runs, tools, startup: s, e2e: e, ratios };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs');
  const r = await benchCli({ runs: i > 0 ? Number(process.argv[i + 1]) : 21 });
  console.log(JSON.stringify(r, null, 2));
}
