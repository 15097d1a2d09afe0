import WebSocket, { type ClientOptions } from 'ws';

/** Polls until `condition` holds; fails naming what it waited for. */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface TestClient {
  readonly ws: WebSocket;
  /** Every text message, in arrival order, with its arrival time (performance.now()). */
  readonly messages: string[];
  readonly arrivals: number[];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
}

export function connect(url: string, options: ClientOptions = {}): TestClient {
  const ws = new WebSocket(url, options);
  const messages: string[] = [];
  const arrivals: number[] = [];
  ws.on('message', (data) => {
    messages.push(data.toString());
    arrivals.push(performance.now());
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  return { ws, messages, arrivals, opened, closed, isOpen: () => ws.readyState === WebSocket.OPEN };
}

/** The HTTP status and body of a refused WebSocket upgrade. */
export function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error(`${url} was accepted`)));
    ws.on('error', () => undefined);
  });
}

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, headers: res.headers };
}

export interface DepthDiff {
  e: string;
  E: number;
  s: string;
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

/** The payloads of combined-stream messages on one stream. */
export function payloadsOf<T>(messages: readonly string[], stream: string): T[] {
  const out: T[] = [];
  for (const text of messages) {
    const message = JSON.parse(text) as { stream?: string; data?: T };
    if (message.stream === stream) out.push(message.data!);
  }
  return out;
}
