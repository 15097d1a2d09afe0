import { readFileSync } from 'node:fs';

/**
 * Node options for a process whose threads run the engine (the headless engine child;
 * `npm run cli` passes the same for replay, bench and sweep, which run it in-process).
 *
 * `--use-largepages=silent` re-maps Node's own machine code (V8's builtins, interpreter
 * and runtime, about 24 MiB) onto 2 MiB pages where Linux allows it (transparent huge
 * pages in `madvise` or `always` mode), and does nothing, quietly, elsewhere. A live tick
 * follows a wait in epoll; on a machine whose kernel flushes the TLB on every kernel entry
 * (page-table isolation without PCID, as on the virtual machines measured here), the tick
 * then pays a page walk for each 4 KiB page of code it runs. On 2 MiB pages that code
 * needs a handful of TLB entries: the p50 tick-to-trade at 100 frames/s fell in each of
 * four interleaved pairs, by 4–51 % (docs/LAYOUT.md, fourth pass).
 * Not passed to Electron's utility process: Electron's executable is not Node's (whose
 * build places its code in the section this option re-maps), and with no Electron binary
 * on the machines measured here, whether Electron accepts the option is unchecked.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--use-largepages=silent'];

/**
 * MiB of this process's executable code that sit on huge pages (0 when none; null where
 * /proc is not there to tell), for bench to say which case it measured.
 */
export function codeOnHugePagesMiB(smapsPath = '/proc/self/smaps'): number | null {
  let text: string;
  try {
    text = readFileSync(smapsPath, 'utf8');
  } catch {
    return null;
  }
  let kib = 0;
  let executable = false;
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) /.exec(line);
    if (mapping !== null) executable = mapping[1]!.includes('x');
    else if (executable && line.startsWith('AnonHugePages:'))
      kib += Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  return kib / 1024;
}
