import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppArgs } from '../../main/host/app-args.js';

test("the app picks its switches out of Electron's argv and leaves the rest alone", () => {
  assert.deepEqual(
    parseAppArgs(['/usr/lib/electron', '.', '--sim', '--enable-logging', '--config', '/x/l.toml']),
    {
      sim: true,
      selfTest: false,
      configPath: '/x/l.toml',
      dataDir: null,
    },
  );
  assert.deepEqual(parseAppArgs(['electron', '.', '--data-dir=/d', '--self-test']), {
    sim: false,
    selfTest: true,
    configPath: null,
    dataDir: '/d',
  });
});

test('a switch without its value is an error that names it', () => {
  assert.throws(() => parseAppArgs(['electron', '.', '--config']), /--config needs a value/);
  assert.throws(
    () => parseAppArgs(['electron', '.', '--data-dir', '--sim']),
    /--data-dir needs a value/,
  );
});
