/**
 * One table of defaults (src/settings/defaults.ts): the CLI help is rendered from it, and the
 * README's Command line section and the options' doc comments must say the same values.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSERTION_OPTIONS, helpText, RUN_OPTIONS } from '../../src/cli/help.js';
import { DEFAULTS } from '../../src/settings/defaults.js';
import { ROOT } from '../support/cli.js';

const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const commandLine = readme.slice(readme.indexOf('## Command line'), readme.indexOf('### Host names'));
const digits = (text: string) => text.replace(/(\d),(\d)/g, '$1$2');

describe('the table of defaults', () => {
  it('renders the help: every option with its default and env, aligned', () => {
    const help = helpText();
    for (const option of [...RUN_OPTIONS, ...ASSERTION_OPTIONS]) {
      const line = help.split('\n').find((l) => l.startsWith(`  ${option.flag}`));
      expect(line, option.flag).toBeDefined();
      if (option.default !== undefined) expect(help).toContain(`default: ${option.default}]`);
    }
    expect(help).toContain(`  --port N                TCP port (0 picks a free one)                [env PORT, default: ${DEFAULTS.port}]`);
    // Every [env ..., default: ...] note starts in one column.
    const noteColumns = new Set(help.slice(help.indexOf('Options:')).split('\n').filter((l) => l.startsWith('  ')).map((l) => l.search(/\[(env |default: )/)).filter((c) => c >= 0));
    expect([...noteColumns]).toEqual([71]);
  });

  it("is what the README's Command line section says, flag by flag", () => {
    for (const option of RUN_OPTIONS) {
      const flag = option.flag.split(' ')[0]!;
      const line = commandLine.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
      expect(line, `${flag} in README's Command line`).toBeDefined();
      const entry = commandLine.slice(commandLine.indexOf(line!), commandLine.indexOf(line!) + 300).split('\n  -')[0]!;
      if (typeof option.default === 'number') expect(digits(entry), flag).toContain(`default: ${option.default}`);
      if (option.env) expect(entry, flag).toContain(`env ${option.env}`);
    }
  });

  it("is what the options' doc comments say", () => {
    const source = readFileSync(`${ROOT}src/settings/options.ts`, 'utf8');
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const at = source.indexOf(`  ${name}?:`);
      if (at < 0 || typeof value !== 'number') continue;
      const comment = source.slice(source.lastIndexOf('/**', at), at);
      expect(digits(comment), name).toContain(`default ${value}`);
    }
  });
});
