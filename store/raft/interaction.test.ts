// Runs every script in testdata/. REWRITE=1 npx vitest run store/raft/interaction rewrites expected output.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScript, InteractionEnv, parseScript } from './interaction.js';

const dir = new URL('./testdata/', import.meta.url);
const rewrite = process.env.REWRITE === '1';

describe('raft interaction scripts', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(file, () => {
      const path = new URL(file, dir);
      const blocks = parseScript(readFileSync(path, 'utf8'));
      const env = new InteractionEnv();
      const actual = blocks.map((b) => ({ command: b.command, expected: env.run(b.command) }));
      if (rewrite) {
        writeFileSync(path, formatScript(actual));
        return;
      }
      for (let i = 0; i < blocks.length; i++) {
        expect(actual[i]!.expected, `${file}: block ${i + 1}: ${blocks[i]!.command}`).toBe(blocks[i]!.expected);
      }
    });
  }
});
