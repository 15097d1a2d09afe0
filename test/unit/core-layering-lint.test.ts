import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

// dist/test/unit → repo root.
const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function restrictedImportMessages(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  assert.ok(result, 'eslint returned a result');
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('lint rejects layering violations of docs/ARCHITECTURE.md §2', async () => {
  const cases: [code: string, file: string][] = [
    [`import { app } from 'electron';\nexport const x = app;\n`, 'main/engine/x.ts'],
    [`import { app } from 'electron';\nexport const x = app;\n`, 'main/host/x.ts'],
    [`import { x } from '../host/x.js';\nexport const y = x;\n`, 'main/engine/x.ts'],
    [`import '../../main/host/x.js';\n`, 'renderer/src/x.ts'],
    [
      `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`,
      'renderer/src/x.ts',
    ],
    [`import 'node:fs';\n`, 'shared/x.ts'],
    [`import { Rng } from '../main/engine/core/rng.js';\nexport const r = Rng;\n`, 'shared/x.ts'],
  ];
  for (const [code, file] of cases) {
    const messages = await restrictedImportMessages(code, file);
    assert.ok(messages.length >= 1, `${file}: ${code.split('\n')[0]} should be refused`);
    assert.match(messages[0]!, /docs\/ARCHITECTURE\.md §2/);
  }
});

test('lint accepts imports that respect the layering', async () => {
  const cases: [code: string, file: string][] = [
    [
      `import { parseFixed } from '../../shared/domain.js';\nexport const p = parseFixed;\n`,
      'main/engine/x.ts',
    ],
    [
      `import { Worker } from 'node:worker_threads';\nexport const w = Worker;\n`,
      'main/engine/core/x.ts',
    ],
    [
      `import { parseFixed } from '../../shared/domain.js';\nexport const p = parseFixed;\n`,
      'renderer/src/x.ts',
    ],
    [`import { app } from 'electron';\nexport const a = app;\n`, 'main/electron/x.ts'],
  ];
  for (const [code, file] of cases) {
    assert.deepEqual(await restrictedImportMessages(code, file), [], `${file} should be accepted`);
  }
});
