import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  codeOnHugePagesMiB,
  ENGINE_NODE_FLAGS,
} from '../../main/engine/process/engine-node-flags.js';
import { REPO_ROOT } from '../fixture-files.js';
import { makeTempDir } from '../temp-dirs.js';

test('codeOnHugePagesMiB counts huge pages of executable mappings only, and says null without /proc', () => {
  const dir = makeTempDir('lockstep-smaps-');
  const smaps = join(dir, 'smaps');
  writeFileSync(
    smaps,
    [
      '00c00000-02400000 r-xp 00000000 00:00 0 ',
      'Size:              24576 kB',
      'AnonHugePages:     24576 kB',
      '02400000-02600000 rw-p 00000000 00:00 0          [heap]',
      'AnonHugePages:      2048 kB',
      '7f0000000000-7f0000200000 r-xp 00000000 08:01 1234 /usr/lib/libc.so.6',
      'AnonHugePages:         0 kB',
      '',
    ].join('\n'),
  );
  assert.equal(codeOnHugePagesMiB(smaps), 24);
  assert.equal(codeOnHugePagesMiB(join(dir, 'absent')), null);
});

test('`npm run cli` gives the CLI (replay, bench, sweep run the engine in-process) the engine Node options', () => {
  const scripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  for (const flag of ENGINE_NODE_FLAGS) assert.ok(scripts.cli!.includes(` ${flag} `), scripts.cli);
});

test('with the engine Node options, Node code runs from 2 MiB pages where Linux offers them', (t) => {
  const thp = '/sys/kernel/mm/transparent_hugepage/enabled';
  if (process.platform !== 'linux' || !existsSync(thp))
    return t.skip('not Linux with transparent huge pages');
  if (/\[never\]/.test(readFileSync(thp, 'utf8')))
    return t.skip('transparent huge pages are off on this machine ([never])');
  const probe = (flags: readonly string[]): number => {
    const result = spawnSync(
      process.execPath,
      [
        ...flags,
        '-e',
        `const m = require(${JSON.stringify(join(__dirname, '..', '..', 'main', 'engine', 'process', 'engine-node-flags.js'))}); console.log(m.codeOnHugePagesMiB())`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    return Number(result.stdout.trim());
  };
  // In `madvise` mode only what asks for huge pages gets them ([always] may back JIT code too).
  if (/\[madvise\]/.test(readFileSync(thp, 'utf8')))
    assert.equal(probe([]), 0, 'without the option the code is on 4 KiB pages');
  assert.ok(probe(ENGINE_NODE_FLAGS) > 0, 'with it, some of Node code is on huge pages');
});
