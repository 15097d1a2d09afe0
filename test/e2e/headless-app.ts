import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import type { Command, CommandAck, EngineState, HostMessage } from '../../shared/api.js';
import { makeTempDir } from '../temp-dirs.js';
import { launchBrowser, openPage, type OpenedPage } from './browser.js';

const CLI = join(__dirname, '..', '..', 'main', 'cli', 'index.js');

/** The real app in headless mode (host + engine process + built-in simulator) for a test. */
export interface HeadlessApp {
  readonly url: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Latest state seen by a second WebSocket client (the test's own view of the engine). */
  latest(): EngineState | null;
  send(command: Command): Promise<CommandAck>;
  /** The engine child process id (the headless process's child running engine-main.js). */
  enginePid(): number | null;
  readonly output: string[];
  close(): Promise<void>;
}

async function startHeadlessApp(configToml: string): Promise<HeadlessApp> {
  const dataDir = makeTempDir('lockstep-e2e-');
  writeFileSync(join(dataDir, 'lockstep.toml'), configToml);
  const child = spawn(
    process.execPath,
    [CLI, 'headless', '--sim', '--port', '0', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless did not print its URL:\n${output.join('')}`)),
      60_000,
    );
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const match = /Lockstep headless UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(
        output.join(''),
      );
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('exit', (code) =>
      reject(new Error(`headless exited with ${code}:\n${output.join('')}`)),
    );
  });
  const wsUrl = url.replace('http://', 'ws://').replace('/?token=', '/ws?token=');
  const socket = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let latest: EngineState | null = null;
  let nextId = 1;
  const pending = new Map<number, (ack: CommandAck) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as HostMessage;
    if (message.kind === 'state') latest = message.state;
    else if (message.kind === 'ack') pending.get(message.id)?.(message.ack);
  });
  return {
    url,
    dataDir,
    process: child,
    output,
    latest: () => latest,
    send(command) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, command }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    enginePid() {
      try {
        const pids = execFileSync('pgrep', ['-P', String(child.pid), '-f', 'engine-main'], {
          encoding: 'utf8',
        }).trim();
        return pids ? Number(pids.split('\n')[0]) : null;
      } catch {
        return null;
      }
    },
    async close() {
      socket.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** The real headless app with its window open in Chromium, shared by one test file. */
export interface HeadlessAppInWindow {
  readonly app: HeadlessApp;
  readonly opened: OpenedPage;
  readonly page: Page;
}

/**
 * Registers the file's before hook (start the headless app, open its window in Chromium) and
 * after hook (close page, browser, app; the data dir goes with the file's temp folders), so
 * every window test sets up and tears down the same way. The fields are readable in tests.
 */
export function useHeadlessAppInWindow(configToml: string): HeadlessAppInWindow {
  let app: HeadlessApp | undefined;
  let browser: Browser | undefined;
  let opened: OpenedPage | undefined;
  before(async () => {
    app = await startHeadlessApp(configToml);
    browser = await launchBrowser();
    opened = await openPage(app.url, { browser });
  });
  after(async () => {
    await opened?.close();
    await browser?.close();
    await app?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the headless app is only ready inside a test');
    return value;
  };
  return {
    get app() {
      return ready(app);
    },
    get opened() {
      return ready(opened);
    },
    get page() {
      return ready(opened).page;
    },
  };
}
