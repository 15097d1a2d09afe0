/**
 * Preloaded into the engine process by the startup test (NODE_OPTIONS=--require), to stand
 * for what a real engine process prints outside the protocol (a native module's warning,
 * an uncaught error's trace): one line on stdout, one on stderr, which must reach the
 * host's log file.
 */
process.stdout.write(`engine chatter on stdout (pid ${process.pid})\n`);
process.stderr.write(`engine chatter on stderr (pid ${process.pid})\n`);
