/**
 * The layers of src/ (.dependency-cruiser.cjs): every folder imports only folders below it, and
 * no modules import each other round a circle. Run by dependency-cruiser on src/, and on a
 * fixture that breaks each rule, so that a passing run means the rules were checked.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const CONFIG = `${ROOT}.dependency-cruiser.cjs`;
const DEPCRUISE = `${ROOT}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`;

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function violations(cwd: string): Promise<Violation[]> {
  const run = await promisify(execFile)(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    // dependency-cruiser exits non-zero when it finds violations; its report is still on stdout.
    (err: { stdout?: string; stderr?: string }) => {
      if (!err.stdout) throw new Error(`dependency-cruiser failed: ${err.stderr}`);
      return { stdout: err.stdout };
    },
  );
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the layers of src/', () => {
  it('hold: no upward import, no folder outside the layers, no circle', async () => {
    expect((await violations(ROOT)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('are enforced: a fixture that breaks each rule is refused, rule by rule', async () => {
    const found = (await violations(`${ROOT}test/fixtures/layers`)).map((v) => [v.rule.name, v.from, v.to]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['layer-http', 'src/http/responses.ts', 'src/settings/defaults.ts'],
        ['no-circular', 'src/routes/a.ts', 'src/routes/b.ts'],
        ['no-unlayered-folder', 'src/stray/x.ts', 'src/http/responses.ts'],
      ]),
    );
  });
});
