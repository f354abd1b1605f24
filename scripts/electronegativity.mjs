#!/usr/bin/env node
// Electronegativity (@doyensec/electronegativity) over the app's Electron code and
// renderer: electron/ and renderer/ are copied with package.json (for the Electron
// version) into a temp folder and scanned together, so global checks such as the CSP
// one see both. Prints every finding; exits 1 when a HIGH or MEDIUM finding is not
// accepted, with a reason, in .electronegativity-accepted.json (matched by check id and
// file; lines move), or when a file could not be parsed (it would go unchecked).
//
//   node scripts/electronegativity.mjs [--root DIR] [--accepted FILE] [--json]
//
// AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK is skipped: it downloads Electron's release list
// (no network in CI; the Electron version is kept current through package.json).
// Electronegativity also tries to fetch translations (1 s timeout) and says
// "Could not retrieve updated translations" when offline; that is harmless.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    root: { type: 'string', default: repo },
    accepted: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const root = opts.root;
const acceptedFile = opts.accepted ?? join(root, '.electronegativity-accepted.json');
const SKIPPED = ['AvailableSecurityFixesGlobalCheck'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** @returns {{ id: string, file: string, reason: string }[]} */
function readAccepted() {
  if (!existsSync(acceptedFile)) return [];
  const list = JSON.parse(readFileSync(acceptedFile, 'utf8'));
  if (!Array.isArray(list)) throw new Error(`${acceptedFile}: expected an array of { id, file, reason }`);
  for (const [i, a] of list.entries()) {
    if (typeof a?.id !== 'string' || typeof a?.file !== 'string' || typeof a?.reason !== 'string' || a.reason.trim().length < 20) {
      throw new Error(`${acceptedFile}[${i}]: needs a check "id", a "file" and a "reason" (a sentence, at least 20 characters)`);
    }
  }
  return list;
}

async function main() {
  const accepted = readAccepted();
  const stage = mkdtempSync(join(tmpdir(), 'topolens-electronegativity-'));
  let result;
  try {
    for (const part of ['electron', 'renderer', 'package.json']) {
      if (existsSync(join(root, part))) cpSync(join(root, part), join(stage, part), { recursive: true });
    }
    const require = createRequire(import.meta.url);
    const mod = require('@doyensec/electronegativity');
    const run = mod.default ?? mod;
    // Its translation loader logs through console.log; keep our stdout to findings.
    const log = console.log;
    console.log = (...a) => process.stderr.write(`electronegativity: ${a.join(' ')}\n`);
    try {
      result = await run({
        input: stage,
        isRelative: true,
        customScan: [],
        excludeFromScan: SKIPPED,
        severitySet: 'INFORMATIONAL',
        confidenceSet: 'TENTATIVE',
      });
    } finally {
      console.log = log;
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }

  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name,
    confidence: i.confidence.name,
    file: relative(stage, i.file).startsWith('..') ? i.file : relative(stage, i.file),
    line: i.location?.line ?? 0,
    column: i.location?.column ?? 0,
    description: i.description,
    sample: i.sample ?? '',
  }));
  // isRelative already made paths relative to the input; normalise "./x" and absolute leftovers.
  for (const f of findings) f.file = f.file.replace(/^\.\//, '').replace(`${stage}/`, '');
  const fatalErrors = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: String(e.file).replace(`${stage}/`, ''), message: e.message }));

  const isAccepted = (f) => accepted.find((a) => a.id === f.id && a.file === f.file);
  const blocking = findings.filter((f) => BLOCKING.has(f.severity) && !isAccepted(f));
  const unused = accepted.filter((a) => !findings.some((f) => f.id === a.id && f.file === a.file));

  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ checks: result.globalChecks + result.atomicChecks, findings, blocking, unused, parseErrors: fatalErrors })}\n`);
  } else {
    const order = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
    for (const f of [...findings].sort((a, b) => order[a.severity] - order[b.severity])) {
      const a = isAccepted(f);
      const tag = BLOCKING.has(f.severity) ? (a ? 'accepted' : 'BLOCKING') : 'info';
      console.log(`${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id} ${f.file}:${f.line}:${f.column} [${tag}] ${f.description}`);
      if (a) console.log(`${' '.repeat(24)}accepted: ${a.reason}`);
    }
    for (const e of fatalErrors) console.log(`PARSE ERROR ${e.file}: ${e.message} (not checked)`);
    for (const a of unused) console.log(`note: accepted ${a.id} in ${a.file} no longer occurs; drop it from ${relative(root, acceptedFile)}`);
    console.log(
      `electronegativity: ${result.globalChecks + result.atomicChecks} checks, ${findings.length} findings (${findings.filter((f) => BLOCKING.has(f.severity)).length} high/medium, ${blocking.length} not accepted), ${fatalErrors.length} parse errors`,
    );
  }
  return blocking.length > 0 || fatalErrors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`electronegativity: ${e.stack ?? e}\n`);
    process.exitCode = 2;
  },
);
