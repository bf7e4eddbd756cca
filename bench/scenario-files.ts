/**
 * Generated scenario folders for the scaling check. The rules are of the kinds people write (a
 * client_id; a grant and a client_id; a test-run header) and none matches the success-path
 * request, so that request pays for the lookup and still gets its token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PER_FILE = 1_000;

const RESPONSES = [
  { status: 429, headers: { 'Retry-After': '1' } },
  { status: 400, example: 'invalid_client' },
  { status: 504 },
];

function scenario(i: number) {
  const kind = i % 3;
  const match =
    kind === 0
      ? { form: { client_id: `bench-client-${i}` } }
      : kind === 1
        ? { form: { grant_type: 'client_credentials', client_id: `bench-cc-client-${i}` } }
        : { headers: { 'x-bench-run': `run-${i}` } };
  return { name: `bench-${i}`, description: `generated rule ${i}`, match, response: RESPONSES[i % RESPONSES.length] };
}

/** Writes `count` scenarios (JSON is YAML) into a new temporary folder and returns it. */
export function writeScenarioDir(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), `fapi-bench-scenarios-${count}-`));
  for (let first = 0; first < count; first += PER_FILE) {
    const scenarios = Array.from({ length: Math.min(PER_FILE, count - first) }, (_, k) => scenario(first + k));
    const name = `bench-${String(first / PER_FILE).padStart(4, '0')}.yaml`;
    writeFileSync(join(dir, name), JSON.stringify({ scenarios }, null, 1));
  }
  return dir;
}
