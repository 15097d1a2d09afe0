// `npm run dist`: build, make better-sqlite3's Electron build (side by side, packaged as a
// resource the engine finds at load), then electron-builder for this platform's targets.
// electron-builder's own progress is shown; when it fails, one sentence says what failed
// — for a download, what it tried to fetch and from where — instead of a stack trace.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { ensureNativeForElectron, NETWORK_ERROR as NETWORK } from './native-abi.mjs';

/** Electron's zip for a platform, as electron-builder names it. */
export function electronZipName(version, platform = process.platform, arch = process.arch) {
  const os = platform === 'win32' ? 'win32' : platform === 'darwin' ? 'darwin' : 'linux';
  return `electron-v${version}-${os}-${arch}.zip`;
}

/**
 * One sentence for a failed electron-builder run, from its output: the URL it was
 * downloading when the network failed (its `downloading url=` lines), else Electron's zip
 * (the download its packaging step makes first), else its first error line.
 */
export function explainFailure(output, electronVersion) {
  const lines = output.split('\n');
  const errorLine = lines.find((line) => line.includes('⨯')) ?? '';
  const network = NETWORK.exec(errorLine) ?? NETWORK.exec(output);
  if (network) {
    const host = /(?:ENOTFOUND|EAI_AGAIN)\s+([\w.-]+)/.exec(output)?.[1];
    const urls = [...output.matchAll(/\burl=(\S+)/g)].map((match) => match[1]);
    const what = urls.at(-1) ?? `${electronZipName(electronVersion)} (Electron ${electronVersion})`;
    return `npm run dist could not download ${what}${host ? ` from ${host}` : ''}: there is no network (${network[1]}); run it where there is, or put the file in electron-builder's cache.`;
  }
  const message = errorLine
    .replace(/^\s*⨯\s*/, '')
    .replace(/\s+failedTask=.*$/, '')
    .trim();
  return `npm run dist failed: ${message || 'electron-builder exited with an error (see above)'}.`;
}

async function main() {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const electronVersion = JSON.parse(
    readFileSync('node_modules/electron/package.json', 'utf8'),
  ).version;
  const abi = createRequire(import.meta.url)('node-abi').getAbi(electronVersion, 'electron');
  const native = ensureNativeForElectron(
    { abi, version: electronVersion },
    { onProblem: (message) => console.error(`npm run dist stopped: ${message}`) },
  );
  if (!native) process.exit(1);

  const child = spawn(
    process.execPath,
    [
      createRequire(import.meta.url).resolve('electron-builder/cli.js'),
      '--config',
      'electron-builder.yml',
      ...process.argv.slice(2),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const relay = (chunk) => {
    const text = chunk.toString('utf8');
    output += text;
    // Progress lines pass through; stack frames do not (the summary below replaces them).
    const shown = text
      .split('\n')
      .filter((line) => !/^\s+at\s/.test(line))
      .map((line) => line.replace(/\s+stackTrace=.*$/, ''))
      .join('\n');
    process.stdout.write(shown);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  if (code !== 0) {
    console.error(explainFailure(output, electronVersion));
    process.exit(code);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
