// Runs the test files with Node's test runner: `unit` runs only the colocated unit tests (no stack);
// `faults` runs the fault suite (test/faults/*.fault.ts), which breaks the shared stack, so alone.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SKIP = new Set(['node_modules', '.git', '.data', '.cache', 'artifacts']);

function find(dir: string, out: string[] = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith(suffix)) out.push(relative(ROOT, path));
  }
  return out;
}

const mode = process.argv[2];
const unitOnly = mode === 'unit';
const suffix = mode === 'faults' ? '.fault.ts' : '.test.ts';
/**
 * Files that run for minutes start first, so the others run beside them instead of after them (the fuzz
 * run alone takes two to three minutes; started last in name order, it was the suite's tail).
 */
const LONG_FIRST = ['test/schemathesis.test.ts'];
const rank = (f: string) => (LONG_FIRST.includes(f) ? 0 : f.startsWith('test/') ? 2 : 1);
const files = find(ROOT)
  .filter((f) => !unitOnly || !f.startsWith('test/'))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${mode === 'faults' ? 1 : (process.env.TEST_CONCURRENCY ?? 2)}`,
    // No test may run for ever, and no file may outlive its tests: a handle left open (a socket, a timer)
    // would otherwise keep its process, and the whole run, waiting.
    `--test-timeout=${mode === 'faults' ? 600_000 : 300_000}`,
    '--test-force-exit',
    '--test-reporter=spec',
    ...files,
  ],
  { cwd: ROOT, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
