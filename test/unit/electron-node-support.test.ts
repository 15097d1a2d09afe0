import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The Node policy: the project (tests, CLI, headless, build) runs on Node ≥ 20.19, as
 * package.json says; Electron 45's tooling wants ≥ 22.12, which `npm start` says in one
 * line, and npm's five EBADENGINE warnings become one line too.
 */
const REPO = path.join(__dirname, '..', '..', '..');
const load = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(path.join(REPO, 'scripts', name)).href)) as T;

interface NodeSupport {
  PROJECT_NODE: string;
  DESKTOP_TOOLING_NODE: string;
  desktopToolingProblem(version: string): string | null;
  projectNodeProblem(version: string): string | null;
}

test('package.json engines match the supported Node, and this Node is supported', async () => {
  const support = await load<NodeSupport>('node-support.mjs');
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  assert.equal(pkg.engines.node, `>=${support.PROJECT_NODE}`);
  assert.equal(support.projectNodeProblem(process.versions.node), null);
  assert.equal(
    support.projectNodeProblem('18.20.4'),
    'Lockstep needs Node ≥ 20.19 (this is Node 18.20.4).',
  );
});

test('a Node too old for the desktop tooling is one sentence naming both versions', async () => {
  const { desktopToolingProblem } = await load<NodeSupport>('node-support.mjs');
  const message = desktopToolingProblem('20.20.2');
  assert.ok(message);
  assert.doesNotMatch(message, /\n/);
  assert.match(message, /Node ≥ 22\.12/);
  assert.match(message, /this is Node 20\.20\.2/);
  for (const fine of ['22.12.0', '22.20.1', '24.1.0'])
    assert.equal(desktopToolingProblem(fine), null);
  assert.ok(desktopToolingProblem('22.11.0'));
});

test("npm's EBADENGINE warnings are reduced to the package names; other messages pass", async () => {
  const { withoutEngineWarnings } = await load<{
    withoutEngineWarnings(stderr: string): { packages: string[]; rest: string };
  }>('ensure-installed.mjs');
  const stderr = [
    'npm warn EBADENGINE Unsupported engine {',
    "npm warn EBADENGINE   package: 'electron@45.4.1',",
    "npm warn EBADENGINE   required: { node: '>= 22.12.0' },",
    "npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '10.8.2' }",
    'npm warn EBADENGINE }',
    'npm warn EBADENGINE Unsupported engine {',
    "npm warn EBADENGINE   package: '@electron/rebuild@4.2.1',",
    'npm warn EBADENGINE }',
    'npm warn deprecated inflight@1.0.6: leaks memory',
  ].join('\n');
  const { packages, rest } = withoutEngineWarnings(stderr);
  assert.deepEqual(packages, ['electron@45.4.1', '@electron/rebuild@4.2.1']);
  assert.equal(rest, 'npm warn deprecated inflight@1.0.6: leaks memory');
});
