/**
 * A module for the stand-in's own test: started by utilityProcess.fork, it answers each
 * message on process.parentPort with an echo, prints one line, and exits on request.
 */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown; ports: unknown[] }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('echo-utility must run as a utility process');
process.stdout.write(`echo utility up, send is ${typeof process.send}\n`);
parentPort.on('message', ({ data, ports }) => {
  if (data === 'exit') process.exit(3);
  parentPort.postMessage({ echo: data, ports: ports.length, argv: process.argv.slice(2) });
});
