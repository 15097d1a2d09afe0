import { EventEmitter } from 'node:events';

/**
 * What Electron's utility process gives the module it starts, rebuilt on a plain Node
 * child: `process.parentPort` (postMessage to the parent; 'message' events carrying
 * `{ data, ports }`) and no Node IPC of its own (`process.send` is absent there). The
 * stand-in's utilityProcess.fork starts this file with the module path as first argument.
 */
const [modulePath, ...args] = process.argv.slice(2);
if (!modulePath) throw new Error('utility-process-main: the module path is missing');
const send = process.send?.bind(process);
if (!send) throw new Error('utility-process-main: must be started with an IPC channel');

interface ParentPort extends EventEmitter {
  postMessage(message: unknown): void;
}
const parentPort = new EventEmitter() as ParentPort;
parentPort.postMessage = (message: unknown) => {
  if (process.connected) send(message);
};
process.on('message', (data: unknown) => parentPort.emit('message', { data, ports: [] }));
Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: true });
process.send = undefined;
process.argv = [process.argv[0]!, modulePath, ...args];

// eslint-disable-next-line @typescript-eslint/no-require-imports
require(modulePath);
