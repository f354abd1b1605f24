// Electronegativity over electron/ and renderer/ (scripts/electronegativity.mjs): no
// HIGH or MEDIUM finding without a written reason in .electronegativity-accepted.json.
// A deliberately unsafe window in a temp tree shows that the scan does catch things.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './fixtures';

interface Finding {
  id: string;
  severity: string;
  file: string;
  line: number;
  description: string;
}
interface Report {
  checks: number;
  findings: Finding[];
  blocking: Finding[];
  unused: unknown[];
  parseErrors: unknown[];
}

function scan(args: string[]): Promise<{ code: number; report: Report | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [join(REPO, 'scripts/electronegativity.mjs'), '--json', ...args], { cwd: REPO, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      let report: Report | null = null;
      try {
        report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Report;
      } catch {
        /* no report (usage error) */
      }
      res({ code, report, stdout, stderr });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'topolens-en-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('electronegativity', () => {
  it('the app: zero unjustified high/medium findings; the bad window in a temp tree: caught', async () => {
    // A copy of the app's shape with an unsafe BrowserWindow.
    const bad = join(tmp, 'bad');
    mkdirSync(join(bad, 'electron', 'main'), { recursive: true });
    copyFileSync(join(REPO, 'package.json'), join(bad, 'package.json'));
    writeFileSync(
      join(bad, 'electron', 'main', 'index.ts'),
      `import { app, BrowserWindow } from 'electron';\napp.whenReady().then(() => {\n  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n  void w.loadURL('http://example.com/');\n});\n`,
    );
    const [app, unsafe] = await Promise.all([scan([]), scan(['--root', bad, '--accepted', join(tmp, 'none.json')])]);

    const r = app.report!;
    for (const f of r.findings) console.log(`electronegativity: ${f.severity} ${f.id} ${f.file}:${f.line} ${f.description}`);
    console.log(`electronegativity: ${r.checks} checks, ${r.findings.length} findings, ${r.blocking.length} unjustified high/medium`);
    expect(r.parseErrors).toEqual([]);
    expect(r.checks).toBeGreaterThan(30);
    expect(r.blocking.map((f) => `${f.severity} ${f.id} ${f.file}:${f.line}`)).toEqual([]);
    expect(r.unused).toEqual([]);
    expect(app.code).toBe(0);
    // The files were really scanned: the version came from package.json and the window was seen.
    expect(r.findings.some((f) => f.id === 'ELECTRON_VERSION_JSON_CHECK')).toBe(true);

    expect(unsafe.code).toBe(1);
    const ids = unsafe.report!.blocking.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'AUXCLICK_JS_CHECK',
        // The app passes these two because of its will-navigate guard and permission handler.
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]));
  }, 60_000);

  it('an accepted finding needs a reason', async () => {
    const f = join(tmp, 'no-reason.json');
    writeFileSync(f, JSON.stringify([{ id: 'PRELOAD_JS_CHECK', file: 'electron/main/index.ts', reason: '' }]));
    const r = await scan(['--accepted', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a check "id", a "file" and a "reason"/);
  });
});
