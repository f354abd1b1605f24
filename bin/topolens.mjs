#!/usr/bin/env node
// `node bin/topolens.mjs ...`: the command lives in bin/topolens.cjs (see there why it
// is CommonJS); this ES module only hands over to it. package.json "bin" may point at
// either file: the .cjs skips Node's ESM loader set-up (≈ 10–15 ms of CPU per run here).
const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));
createRequire(import.meta.url)('./topolens.cjs');
