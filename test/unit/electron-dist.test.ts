import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run dist` without network ends in one sentence naming what it tried to download,
 * not electron-builder's stack trace. The samples are electron-builder 26.17's real output
 * on this machine (no network), trimmed.
 */
const REPO = path.join(__dirname, '..', '..', '..');

interface Dist {
  explainFailure(output: string, electronVersion: string): string;
  electronZipName(version: string, platform?: string, arch?: string): string;
}
const load = async (): Promise<Dist> =>
  (await import(pathToFileURL(path.join(REPO, 'scripts', 'dist.mjs')).href)) as Dist;

const OFFLINE_PACKAGING = `  • electron-builder  version=26.17.0 os=6.18.44
  • loaded configuration  file=electron-builder.yml
  • skipped dependencies rebuild  reason=npmRebuild is set to false
  • packaging       platform=linux arch=x64 electron=45.4.1 appOutDir=release/linux-unpacked
  ⨯ getaddrinfo ENOTFOUND github.com  failedTask=build stackTrace=RequestError: getaddrinfo ENOTFOUND github.com
    at ClientRequest.<anonymous> (node_modules/got/dist/source/core/index.js:970:111)
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
`;

test("offline packaging names Electron's zip and the host it could not reach", async () => {
  const { explainFailure, electronZipName } = await load();
  const sentence = explainFailure(OFFLINE_PACKAGING, '45.4.1');
  assert.equal(
    sentence,
    `npm run dist could not download ${electronZipName('45.4.1')} (Electron 45.4.1) from github.com: there is no network (ENOTFOUND); run it where there is, or put the file in electron-builder's cache.`,
  );
  assert.doesNotMatch(sentence, /\n|\bat\s/);
  assert.equal(electronZipName('45.4.1', 'win32', 'x64'), 'electron-v45.4.1-win32-x64.zip');
});

test('a tool download (AppImage, nsis, fpm) is named by the URL electron-builder logged', async () => {
  const { explainFailure } = await load();
  const output = `  • downloading     url=https://github.com/electron-userland/electron-builder-binaries/releases/download/appimage-13.0.1/appimage-13.0.1.7z size=1.8 MB parts=1
  ⨯ getaddrinfo EAI_AGAIN github.com  failedTask=build stackTrace=RequestError: getaddrinfo EAI_AGAIN github.com
`;
  assert.equal(
    explainFailure(output, '45.4.1'),
    "npm run dist could not download https://github.com/electron-userland/electron-builder-binaries/releases/download/appimage-13.0.1/appimage-13.0.1.7z from github.com: there is no network (EAI_AGAIN); run it where there is, or put the file in electron-builder's cache.",
  );
});

test('another failure is its first error line, without the stack', async () => {
  const { explainFailure } = await load();
  assert.equal(
    explainFailure(
      '  ⨯ Application entry file "dist/main/electron/main.js" does not exist  failedTask=build stackTrace=Error: ...\n    at x (y.js:1:1)\n',
      '45.4.1',
    ),
    'npm run dist failed: Application entry file "dist/main/electron/main.js" does not exist.',
  );
});
