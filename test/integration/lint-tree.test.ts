import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

// The layering of docs/ARCHITECTURE.md §2 holds for the whole tree, not only for the fixtures the
// unit test lints: every source file passes the project's ESLint config.
test('the whole tree passes lint, layering rules included', async () => {
  const eslint = new ESLint({ cwd: join(__dirname, '..', '..', '..') });
  const results = await eslint.lintFiles(['main', 'shared', 'renderer/src', 'test']);
  const errors = results.flatMap((result) =>
    result.messages
      .filter((message) => message.severity === 2)
      .map(
        (message) =>
          `${result.filePath}:${message.line} ${message.ruleId ?? ''} ${message.message}`,
      ),
  );
  assert.deepEqual(errors, []);
});
