// The command registry and the dispatcher, as a user meets them: each command's help
// lists its own flags and only those, an unknown flag is an error with that command's
// usage (exit 2), every command file is registered. Runs the real CLI (bin/topolens.cjs).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../electron/cli/main';

const repo = join(__dirname, '../../..');
const bin = join(repo, 'bin/topolens.cjs');
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const flagsOf = (c: (typeof COMMANDS)[number]) => Object.keys(c.options).map((k) => `--${k}`);
const allFlags = [...new Set(COMMANDS.flatMap(flagsOf))];

describe('command registry', () => {
  it('every electron/cli/commands/<name>.ts is registered under its file name, once', () => {
    const files = readdirSync(join(repo, 'electron/cli/commands')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(files.sort());
    for (const c of COMMANDS) {
      expect(c.options['help'], c.name).toBeUndefined(); // the dispatcher adds -h/--help
      expect(c.summary.length, c.name).toBeGreaterThan(10);
      expect(c.usage, c.name).toMatch(new RegExp(`^Usage: topolens ${c.name}\\b`));
    }
  });
  it('command modules keep start-up cheap: value imports only from ../command or node: builtins (the rest inside run())', () => {
    const dir = join(repo, 'electron/cli/commands');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      const specs = [...src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of specs) expect(f === 'index.ts' || spec === '../command' || spec.startsWith('node:'), `${f} imports ${spec} at start-up`).toBe(true);
    }
  });
  it('top-level help lists every command; no command is an error with the list (exit 2)', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(cli([]).code).toBe(2);
    const bad = cli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command "frobnicate" \(/);
  });
});

describe('per-command options', () => {
  for (const c of COMMANDS) {
    it(`${c.name} --help lists its own flags and no other command's`, () => {
      for (const h of ['--help', '-h']) {
        const r = cli([c.name, h]);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toBe(c.usage);
        for (const f of flagsOf(c)) expect(r.out, f).toMatch(new RegExp(`${f}\\b`));
        for (const f of allFlags.filter((x) => !flagsOf(c).includes(x))) expect(r.out, `${c.name} help mentions ${f}`).not.toMatch(new RegExp(`${f}(?![-\\w])`));
      }
    });
  }
  it('a flag of another command is an error with this command\'s usage, before any input is read', () => {
    for (const [cmd, flag] of [['show', '--port'], ['export', '--all'], ['capture', '--format'], ['serve', '--no-open'], ['show', '--no-open']] as const) {
      const r = cli([cmd, 'does-not-exist.tar.gz', flag, '1']);
      expect(r.code, `${cmd} ${flag}`).toBe(2);
      expect(r.err).toMatch(new RegExp(`^topolens ${cmd}: Unknown option '${flag}'`));
      expect(r.err).toContain(COMMANDS.find((x) => x.name === cmd)!.usage);
      expect(r.err).not.toMatch(/no such file/);
      expect(r.out).toBe('');
    }
  });
  it('too many INPUTs, a missing flag value, a bad port: usage errors (exit 2)', () => {
    const two = cli(['show', 'a', 'b']);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/^topolens show: show takes one INPUT at most \(got 2\)/);
    const noValue = cli(['export', '--format']);
    expect(noValue.code).toBe(2);
    expect(noValue.err).toMatch(/^topolens export: Option '-f, --format <value>' argument missing/);
    const port = cli(['serve', '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.err).toMatch(/^topolens serve: --port wants a whole number from 0 to 65535/);
    const fmt = cli(['export', 'missing-file', '--format', 'pdf']);
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/unknown format "pdf" \(json, text, dot, svg, nccl\)/);
  });
});
