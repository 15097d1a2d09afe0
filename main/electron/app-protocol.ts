import { protocol } from 'electron';
import { contentTypeFor, readStaticFile, resolveUnder } from '../host/static-files.js';
import { COMMON_SECURITY_HEADERS, contentSecurityPolicy } from '../host/security-headers.js';

/**
 * The window's UI is served from `app://lockstep/`, not `file://`: a file:// page can read
 * any file the user can, and every file:// page shares one origin. Here the page has its
 * own origin (which the IPC handler checks), and only files under the built UI folder can
 * be fetched — the path is decoded, normalised and confined by resolveUnder, never trusted.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lockstep';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Must run before the app is ready: a standard, secure scheme (like https) with fetch. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function refuse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...COMMON_SECURITY_HEADERS },
  });
}

/** The handler: anything but a GET of a file under the built UI on app://lockstep is refused. */
function appRequestHandler(uiRoot: string): (request: Request) => Promise<Response> {
  const csp = contentSecurityPolicy();
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refuse(400, 'bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return refuse(405, 'method not allowed');
    const file = resolveUnder(uiRoot, url.pathname === '/' ? '/index.html' : url.pathname);
    const body = file ? await readStaticFile(file) : null;
    if (!file || !body) return refuse(404, 'not found');
    const type = contentTypeFor(file);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': type,
        ...COMMON_SECURITY_HEADERS,
        ...(type.startsWith('text/html') ? { 'Content-Security-Policy': csp } : {}),
      },
    });
  };
}

/** Serves the built UI on app:// (call once the app is ready). */
export function serveAppProtocol(uiRoot: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(uiRoot));
}
