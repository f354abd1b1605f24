// deploy/ansible/capture.yml for real: ansible-playbook with a local connection over an
// inventory of six hosts whose topolens_fs_root points at different real captures
// (QEMU lab, one copy with a NIC rebound to vfio-pci, an hwloc server), captured with
// the CLI on some hosts and the standalone sh script on others (one by auto fallback); then `topolens fleet`
// on the folder it fetched. Skipped, with the reason printed, only when ansible-playbook
// is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTree, rebindDriver, removeTempTrees, unpack } from '../support/mutate-sysfs';

const repo = join(__dirname, '../..');
const bin = join(repo, 'bin/topolens.cjs');
const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
if (!hasAnsible) console.log('skipped: ansible-playbook is not installed (apt-get install ansible-core)');

describe('deploy/ansible/capture.yml', () => {
  const work = mkdtempSync(join(tmpdir(), 'topolens-ansible-'));
  afterAll(() => {
    removeTempTrees();
    rmSync(work, { recursive: true, force: true });
  });

  it('the standalone script is the lab reference capture script, verbatim below its header', () => {
    const body = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => !l.startsWith('#!'));
    const deploy = body(join(repo, 'deploy/ansible/files/topolens-capture.sh'));
    const ref = body(join(repo, 'fixtures/lab/guest/capture.sh'));
    expect(deploy.slice(deploy.length - ref.length)).toEqual(ref);
  });

  it.skipIf(!hasAnsible)('captures every host (CLI and script), fetches into one folder per host, and fleet finds the outlier', () => {
    const lab = unpack(join(repo, 'fixtures/lab/x86-q35-2numa-switch/capture.tar.gz'));
    const rebound = copyTree(lab);
    rebindDriver(rebound, '0000:24:00.0', 'vfio-pci');
    const hwloc = unpack(join(repo, 'fixtures/hwloc/linux/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2'));
    // node6: mode auto with a CLI name that is not installed falls back to the script.
    const hosts: Array<[string, string, string]> = [
      ['node1', lab, 'topolens_mode=cli'],
      ['node2', copyTree(lab), 'topolens_mode=cli'],
      ['node3', copyTree(lab), 'topolens_mode=script'],
      ['node4', rebound, 'topolens_mode=cli'],
      ['node5', hwloc, 'topolens_mode=script'],
      ['node6', copyTree(lab), 'topolens_mode=auto topolens_cmd=topolens-not-installed-here'],
    ];
    const inventory = join(work, 'hosts.ini');
    writeFileSync(
      inventory,
      [
        '[fleet]',
        ...hosts.map(([h, root, vars]) => `${h} topolens_fs_root=${root} ${vars}`),
        '[fleet:vars]',
        'ansible_connection=local',
        `ansible_python_interpreter=${spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim()}`,
        `topolens_cmd="${process.execPath} ${bin}"`,
        '',
      ].join('\n'),
    );
    const fleetDir = join(work, 'fleet');
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(work, 'ans-local'), ANSIBLE_REMOTE_TEMP: join(work, 'ans-remote'), ANSIBLE_RETRY_FILES_ENABLED: '0' };
    const play = spawnSync('ansible-playbook', ['-i', inventory, join(repo, 'deploy/ansible/capture.yml'), '-e', `fleet_dir=${fleetDir}`], { encoding: 'utf8', env, timeout: 240_000 });
    expect(play.status, play.stdout + play.stderr).toBe(0);
    for (const [h] of hosts) expect(play.stdout).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`));
    expect(readdirSync(fleetDir).sort()).toEqual(['node1', 'node2', 'node3', 'node4', 'node5', 'node6']);
    for (const [h] of hosts) expect(existsSync(join(fleetDir, h, 'capture.tar.gz'))).toBe(true);

    const fleet = spawnSync(process.execPath, [bin, 'fleet', fleetDir, '--format', 'json'], { encoding: 'utf8', timeout: 120_000 });
    expect(fleet.status, fleet.stderr).toBe(1); // outliers found
    const report = JSON.parse(fleet.stdout) as {
      groups: { fingerprint: string; members: string[] }[];
      outliers: { member: string; reference: string; differences: { address?: string; field: string; before: unknown; after: unknown }[] }[];
      errors: unknown[];
    };
    expect(report.errors).toEqual([]);
    // The CLI's and the script's captures of the same tree land in one group.
    expect(report.groups.map((g) => g.members).sort()).toEqual([['node1', 'node2', 'node3', 'node6'], ['node4'], ['node5']]);
    expect(report.outliers.map((o) => o.member)).toEqual(['node4']);
    expect(report.outliers[0]!.differences.map((d) => `${d.address} ${d.field}`)).toEqual(['0000:24:00.0 driver', '0000:24:00.0 osDevices', '0000:24:00.0 roles']);
    expect(report.outliers[0]!.differences[0]).toMatchObject({ before: 'e1000e', after: 'vfio-pci' });

    const text = spawnSync(process.execPath, [bin, 'fleet', fleetDir], { encoding: 'utf8' });
    expect(text.stdout).toContain('outlier node4');
    expect(text.stdout).toContain('0000:24:00.0  driver: e1000e → vfio-pci');
  });
});
