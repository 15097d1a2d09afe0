import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import {
  betterSqliteBinding,
  nativeBuildDirs,
  nativeRuntimeTag,
} from '../../main/engine/persistence/native-binding.js';
import { tempDir } from '../electron-harness/harness.js';

/**
 * One better-sqlite3 build per runtime, side by side, picked at load time: switching
 * between `npm start` (Electron) and `npm test` (Node) rebuilds nothing. Uses the Node
 * build that node_modules has, copied into temporary folders.
 */
const REPO = path.join(__dirname, '..', '..', '..');
const NODE_BUILD = path.join(
  path.dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);

test('the runtime tag names the runtime and its ABI', () => {
  assert.equal(nativeRuntimeTag({ modules: '115' }), 'node-115');
  assert.equal(nativeRuntimeTag({ modules: '140', electron: '45.4.1' }), 'electron-140');
  assert.equal(nativeRuntimeTag(), `node-${process.versions.modules}`);
});

test("each runtime gets its own build, and the one loaded really is this runtime's", (t) => {
  const root = tempDir('lockstep-native-');
  t.after(root.remove);
  assert.equal(betterSqliteBinding(root.dir), undefined, 'none yet: better-sqlite3 finds its own');

  const nodeBuild = path.join(root.dir, `node-${process.versions.modules}`, 'better_sqlite3.node');
  mkdirSync(path.dirname(nodeBuild), { recursive: true });
  copyFileSync(NODE_BUILD, nodeBuild);
  const electronBuild = path.join(root.dir, 'electron-140', 'better_sqlite3.node');
  mkdirSync(path.dirname(electronBuild), { recursive: true });
  writeFileSync(electronBuild, 'an Electron build');

  assert.equal(betterSqliteBinding(root.dir), nodeBuild);
  assert.equal(
    betterSqliteBinding(root.dir, { modules: '140', electron: '45.4.1' }),
    electronBuild,
  );
  assert.equal(betterSqliteBinding(root.dir, { modules: '999', electron: '99.0.0' }), undefined);

  const db = new Database(':memory:', { nativeBinding: betterSqliteBinding(root.dir)! });
  assert.deepEqual(db.prepare('SELECT 6 * 7 AS answer').get(), { answer: 42 });
  db.close();
});

test("a binding for another runtime's ABI is refused by Node, so the choice matters", (t) => {
  const root = tempDir('lockstep-native-wrong-');
  t.after(root.remove);
  const wrong = path.join(root.dir, 'not-a-module.node');
  writeFileSync(wrong, 'not a shared object');
  assert.throws(() => new Database(':memory:', { nativeBinding: wrong }));
});

test("scripts/native-abi.mjs leaves build/native empty for Node: it loads node_modules' own build", async (t) => {
  const root = tempDir('lockstep-native-script-');
  t.after(root.remove);
  const modules = path.join(root.dir, 'node_modules');
  const script = (await import(
    pathToFileURL(path.join(REPO, 'scripts', 'native-abi.mjs')).href
  )) as {
    ensureNativeForNode(options: { modules: string }): string | null;
    nativeBuildPath(runtime: string, abi: string, root: string): string;
  };
  assert.equal(script.ensureNativeForNode({ modules }), null, 'no Node build in node_modules');
  const built = path.join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(path.dirname(built), { recursive: true });
  copyFileSync(NODE_BUILD, built);
  const cwd = process.cwd();
  process.chdir(root.dir);
  try {
    assert.equal(script.ensureNativeForNode({ modules }), 'ready');
  } finally {
    process.chdir(cwd);
  }
  assert.ok(!existsSync(script.nativeBuildPath('node', process.versions.modules, root.dir)));
  assert.ok(!existsSync(path.join(root.dir, 'build')), 'nothing copied aside for Node');
  assert.ok(!existsSync(path.join(modules, '.lockstep-native-runtime')));
});

test('a packaged app points the engine at its resources: LOCKSTEP_NATIVE_DIR comes first', (t) => {
  const root = tempDir('lockstep-native-env-');
  t.after(root.remove);
  assert.deepEqual(nativeBuildDirs({}).length, 1);
  const dirs = nativeBuildDirs({ LOCKSTEP_NATIVE_DIR: root.dir });
  assert.equal(dirs[0], root.dir);
  const packaged = path.join(root.dir, 'electron-150', 'better_sqlite3.node');
  mkdirSync(path.dirname(packaged), { recursive: true });
  writeFileSync(packaged, 'an Electron build');
  assert.equal(betterSqliteBinding(dirs, { modules: '150', electron: '45.4.1' }), packaged);
});
