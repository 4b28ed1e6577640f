import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../cli/context';
import { main } from '../../../cli/main';
import { fixedClock } from '../../../lambdas/core/clock';
import { resolveConfig } from '../../../lambdas/core/config/resolve';

// The examples of docs/schedules.md are exercised here so the documentation cannot drift from the product.
const markdown = readFileSync(new URL('../../../docs/schedules.md', import.meta.url), 'utf8');

function blocks(language: string): string[] {
  const pattern = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...markdown.matchAll(pattern)].map((match) => match[1] as string);
}

/** Split a shell command line (single quotes only, as the docs use). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (const match of line.matchAll(pattern)) words.push((match[1] ?? match[2] ?? match[3]) as string);
  return words;
}

/** `$ npx carbon-scheduler …` commands of the console blocks, each with the output printed under it. */
const examples = blocks('console').flatMap((block) => {
  const result: { command: string; expected: string }[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('$ ')) result.push({ command: line.slice(2), expected: '' });
    else if (result.length > 0 && line !== '') (result.at(-1) as { expected: string }).expected += `${line}\n`;
  }
  return result;
});

describe('Module: schedule documentation', () => {
  describe('Function: configuration examples', () => {
    it.each(blocks('json').filter((block) => block.includes('"schedules"')))(
      'accepts the example configuration %#',
      (block) => {
        // Act
        const config = resolveConfig(JSON.parse(block), 'docs/schedules.md');

        // Assess
        expect(config.schedules.length).toBeGreaterThan(0);
      },
    );
  });

  describe('Function: CLI examples', () => {
    it('has examples to run', () => {
      // Assess
      expect(examples.length).toBeGreaterThanOrEqual(4);
    });

    it.each(examples)('prints what the docs show for: $command', async ({ command, expected }) => {
      // Prepare
      const cwd = mkdtempSync(join(tmpdir(), 'schedule-docs-'));
      let out = '';
      const ctx: CliContext = {
        clock: fixedClock('2026-01-01T00:00:00Z'),
        env: {},
        cwd,
        out: (text) => {
          out += text;
        },
        err: () => undefined,
        isTTY: false,
      };
      const [npx, binary, ...argv] = shellWords(command);

      // Act
      const code = await main(argv, ctx);
      rmSync(cwd, { recursive: true, force: true });

      // Assess
      expect([npx, binary]).toEqual(['npx', 'carbon-scheduler']);
      expect(code).toBe(0);
      expect(out).toBe(expected);
    });
  });
});
