import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { COMMANDS } from '../../main/cli/commands.js';
import { helpText } from '../../main/cli/args.js';
import { formatBenchTable } from '../../main/engine/bench/run-bench.js';

/**
 * A fresh clone must build, run and test with nothing beside it: no tracked file may name
 * a folder of the machine it was written on, nor a `shared` folder outside the
 * repository. The patterns are written so that this file does not match them itself.
 */

/** From dist/test/unit back to the repository. */
const REPO = join(__dirname, '..', '..', '..');

const MACHINE_PATHS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'an absolute work-folder path', pattern: /(?<![\w.-])\/work\// },
  { what: "root's home folder", pattern: /(?<![\w.-])\/root\// },
  { what: 'a home folder', pattern: /(?<![\w.-])\/home\/[\w.-]+\// },
  { what: 'a macOS home folder', pattern: /(?<![\w.-])\/Users\/[\w.-]+\// },
  { what: 'a Windows home folder', pattern: /\b[A-Za-z]:[\\/]+Users[\\/]+/ },
  { what: 'a temp-folder literal (use os.tmpdir())', pattern: /(?<![\w.-])\/tmp\// },
  { what: 'the shared data folder beside the repository', pattern: /\bshared\/data\b/ },
  { what: 'the design folder beside the repository', pattern: /\bshared\sdesign\sfolder\b/i },
];

/** `../shared…` that climbs out of the repository (from the source or the dist/ copy). */
const UP_TO_SHARED = /(?:\.\.[\\/])+shared\b/g;

function trackedFiles(): string[] | string {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' });
  if (git.error) return `git could not be run: ${git.error.message}`;
  if (git.status !== 0) return `not a git checkout: ${git.stderr.trim()}`;
  return git.stdout.split('\0').filter(Boolean);
}

function outsideRepo(fromDir: string, reference: string): boolean {
  const target = relative(REPO, resolve(fromDir, reference));
  return target === '..' || target.startsWith(`..${sep}`);
}

/** Every offending line of one file, as `file:line: what: text`. */
function findMachinePaths(file: string, text: string): string[] {
  const problems: string[] = [];
  const sourceDir = join(REPO, dirname(file));
  const distDir = join(REPO, 'dist', dirname(file));
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    for (const { what, pattern } of MACHINE_PATHS) {
      if (pattern.test(line)) problems.push(`${where}: ${what}: ${line.trim()}`);
    }
    for (const match of line.matchAll(UP_TO_SHARED)) {
      if (outsideRepo(sourceDir, match[0]) || outsideRepo(distDir, match[0])) {
        problems.push(`${where}: a shared folder outside the repository: ${line.trim()}`);
      }
    }
  });
  return problems;
}

test('no tracked text file names a path of this machine or a folder beside the repository', (t) => {
  const files = trackedFiles();
  if (typeof files === 'string') {
    t.skip(files);
    return;
  }
  assert.ok(files.length > 100, `git ls-files listed only ${files.length} files`);
  const problems: string[] = [];
  let textFiles = 0;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(REPO, file));
    } catch {
      continue; // deleted in the work tree but still in the index
    }
    if (bytes.includes(0)) continue; // binary: the gzipped fixtures, images, the model
    textFiles++;
    problems.push(...findMachinePaths(file, bytes.toString('utf8')));
  }
  assert.ok(textFiles > 100, `only ${textFiles} text files were read`);
  assert.deepEqual(problems, [], `machine paths in tracked files:\n${problems.join('\n')}`);
});

test('the check finds each kind of machine path, and passes imports of the repository\u2019s shared/', () => {
  const slash = '/';
  const offending = [
    `const data = '${slash}work${slash}shared${slash}data${slash}x.jsonl';`,
    `cd ${slash}root${slash}lockstep`,
    `see ${slash}home${slash}alice${slash}notes`,
    `open ${slash}Users${slash}bob${slash}x`,
    `C:\\${'Users'}\\carol\\x`,
    `writeFileSync('${slash}tmp${slash}out.json')`,
    `read ../shared${slash}data/file`,
    `DESIGN.md in the shared ${'design'} folder`,
  ];
  for (const line of offending) {
    assert.equal(findMachinePaths('README.md', line).length > 0, true, line);
  }
  const beside = `import x from '../../shared/api.js';`;
  assert.match(
    findMachinePaths('main/cli/x.ts', beside.replace('../../', '../../../'))[0]!,
    /x\.ts:1: a shared folder outside/,
  );
  assert.deepEqual(findMachinePaths('main/cli/x.ts', beside), []);
  assert.deepEqual(findMachinePaths('test/unit/x.test.ts', beside), []);
  assert.deepEqual(
    findMachinePaths('README.md', 'the shared/ folder holds the contracts; /usr/bin/chromium'),
    [],
  );
});

test('the CLI help texts and the bench footer send the reader to documents inside the repository', () => {
  const texts = [
    ...COMMANDS.map((command) => ({
      where: `lockstep ${command.name} --help`,
      text: helpText(command),
    })),
    { where: 'the bench table footer', text: formatBenchTable([]) },
  ];
  let cited = 0;
  for (const { where, text } of texts) {
    assert.doesNotMatch(
      text,
      /DESIGN\.md|shared\sdesign/,
      `${where} cites a document outside the repository`,
    );
    for (const [path] of text.matchAll(/\bdocs\/[\w./-]+\.md\b/g)) {
      assert.ok(existsSync(join(REPO, path)), `${where} cites ${path}, which does not exist`);
      cited++;
    }
  }
  assert.ok(cited >= 3, 'replay --help, sim --help and the bench footer cite docs/ARCHITECTURE.md');
});
