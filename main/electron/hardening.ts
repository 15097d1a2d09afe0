import { session, type WebContents, type WebFrameMain } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol.js';

/**
 * Electron's security checklist, in one place (test/unit/electron-security-checklist.test.ts
 * asserts every item): the window's web preferences, permission requests denied, no
 * navigation, no new windows, no <webview>, and IPC accepted only from our own page.
 */

/** contextIsolation + sandbox, no Node in the page, same-origin policy on. */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The UI needs no camera, notifications, clipboard-read or anything else a site may ask for. */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * Applied to every web contents the app creates (app 'web-contents-created'): the page is
 * a single-page app that never navigates, so any navigation or popup is an attack (or a
 * bug) and is refused. No link is ever handed to shell.openExternal.
 */
export function lockDownContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Whether a frame is our own page's top frame on app://lockstep. */
function isAppFrame(frame: WebFrameMain | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** IPC is accepted only from our window's top frame on the app's own origin. */
export function isTrustedSender(
  event: { readonly sender: WebContents; readonly senderFrame: WebFrameMain | null },
  window: { readonly webContents: WebContents } | null,
): boolean {
  return window !== null && event.sender === window.webContents && isAppFrame(event.senderFrame);
}
