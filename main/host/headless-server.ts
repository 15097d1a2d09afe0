import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { createAccessToken, tokenMatches } from './access-token.js';
import type { HostLogger } from './logger.js';
import { COMMON_SECURITY_HEADERS, pageSecurityHeaders } from './security-headers.js';
import { contentTypeFor, readStaticFile, resolveUnder } from './static-files.js';
import { attachSession, type SessionHost } from './ws-client-session.js';

/**
 * The window without Electron: the built renderer over http on 127.0.0.1 and a WebSocket
 * at /ws carrying the same commands and state as Electron's IPC.
 *
 * Security, because any web page the trader visits can send requests to 127.0.0.1:
 * - a random token per run, in the printed URL; the page and the WebSocket need it
 *   (static files under the UI folder other than HTML hold no data and are served without);
 * - the Host header must name this server (127.0.0.1 or localhost and our port), which
 *   stops DNS-rebinding pages from talking to us under their own name;
 * - a WebSocket upgrade whose Origin is not the page's own is refused (403), so another
 *   site cannot drive the engine from the trader's browser even with a leaked token;
 * - a strict CSP on the page and no Referer anywhere (the URL holds the token).
 */

export interface HeadlessServerOptions {
  readonly host: SessionHost;
  /** The built renderer (dist/ui). */
  readonly uiDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: HostLogger;
  /** Fixed token for tests; a fresh random one otherwise. */
  readonly token?: string;
}

export interface HeadlessServer {
  readonly port: number;
  readonly token: string;
  /** The page URL with its token, as printed for the trader. */
  readonly url: string;
  close(): Promise<void>;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };
const MAX_COMMAND_BYTES = 64 * 1024;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/** Refuses an upgrade with a plain HTTP response before the WebSocket handshake. */
function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const log = options.logger.child({ component: 'headless-server' });
  const token = options.token ?? createAccessToken();
  const uiDir = path.resolve(options.uiDir);
  let port = 0;

  /** The Host header if it names this server, else null. */
  const ownHost = (header: string | undefined): string | null => {
    if (!header) return null;
    const host = header.toLowerCase();
    return host === `127.0.0.1:${port}` || host === `localhost:${port}` ? host : null;
  };

  const servePage = async (
    response: http.ServerResponse,
    host: string,
    head: boolean,
  ): Promise<void> => {
    const page = await readStaticFile(path.join(uiDir, 'index.html'));
    if (!page) {
      response.writeHead(503, { ...COMMON_SECURITY_HEADERS, ...TEXT });
      response.end(
        `the UI is not built (no ${path.join(uiDir, 'index.html')}); run \`npm run build\` and reload\n`,
      );
      return;
    }
    response.writeHead(200, {
      ...pageSecurityHeaders(`ws://${host}`),
      'Content-Type': 'text/html; charset=utf-8',
    });
    response.end(head ? undefined : page);
  };

  const handle = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> => {
    const host = ownHost(request.headers.host);
    if (!host) {
      response
        .writeHead(403, { ...COMMON_SECURITY_HEADERS, ...TEXT })
        .end('this server answers only to 127.0.0.1\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { ...COMMON_SECURITY_HEADERS, ...TEXT, Allow: 'GET, HEAD' })
        .end('only GET is served here\n');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    const head = request.method === 'HEAD';
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const offered = url.searchParams.get('token');
      if (!tokenMatches(token, offered)) {
        response.writeHead(401, {
          ...COMMON_SECURITY_HEADERS,
          ...TEXT,
          'Cache-Control': 'no-store',
        });
        response.end(
          offered === null
            ? 'this page needs the access token: open the full URL printed by `lockstep headless`\n'
            : 'wrong access token: open the URL printed by this run of `lockstep headless`\n',
        );
        return;
      }
      await servePage(response, host, head);
      return;
    }
    const file = resolveUnder(uiDir, url.pathname);
    // HTML other than the page could carry script under the page's origin: never without the token.
    const body =
      file && path.extname(file).toLowerCase() !== '.html' ? await readStaticFile(file) : null;
    if (!file || !body) {
      response.writeHead(404, { ...COMMON_SECURITY_HEADERS, ...TEXT }).end('not found\n');
      return;
    }
    response.writeHead(200, {
      ...COMMON_SECURITY_HEADERS,
      'Content-Type': contentTypeFor(file),
      'Content-Length': String(body.length),
      // Vite names assets by content hash; anything else is re-checked.
      'Cache-Control': url.pathname.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    response.end(head ? undefined : body);
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error({ err: error, url: request.url }, 'headless request failed');
      if (!response.headersSent) response.writeHead(500, { ...COMMON_SECURITY_HEADERS, ...TEXT });
      response.end('internal error\n');
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_COMMAND_BYTES });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => undefined);
    const host = ownHost(request.headers.host);
    if (!host) {
      refuseUpgrade(socket, 403, 'this server answers only to 127.0.0.1');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    if (url.pathname !== '/ws') {
      refuseUpgrade(socket, 404, 'the WebSocket is at /ws');
      return;
    }
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      log.warn({ origin: request.headers.origin }, 'refused a WebSocket without the right token');
      refuseUpgrade(socket, 401, 'the WebSocket needs the access token of this run');
      return;
    }
    // Browsers always send Origin; a non-browser client (CLI, test) with the token may omit it.
    const origin = request.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      log.warn({ origin }, 'refused a WebSocket from another origin');
      refuseUpgrade(socket, 403, `WebSocket connections are accepted only from http://${host}`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      log.info('a window connected');
      attachSession(ws, options.host, log);
      ws.on('close', () => log.info('a window disconnected'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} is already in use on 127.0.0.1; pass --port 0 to pick a free one`,
            )
          : error,
      );
    server.once('error', onError);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients)
          client.close(1001, 'the Lockstep host is shutting down');
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
        // Sockets that ignore the close frame are cut after a moment.
        setTimeout(() => {
          for (const client of sockets.clients) client.terminate();
        }, 1000).unref();
      }),
  };
}
