/**
 * Runs a callback before the next paint. Everything the window draws from the state
 * stream goes through one of these, so many messages in one frame cost one render.
 */
export type FrameScheduler = (callback: () => void) => void;

export const animationFrameScheduler: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  // Outside a browser (node tests of the stores) a timer stands in for the frame clock.
  else setTimeout(callback, 16);
};

/** A scheduler the caller drives by hand: tests decide when "the frame" happens. */
export interface ManualScheduler {
  readonly schedule: FrameScheduler;
  /** Runs every callback scheduled so far; returns how many ran. */
  runFrame(): number;
  readonly pending: number;
}

export function createManualScheduler(): ManualScheduler {
  let queue: (() => void)[] = [];
  return {
    schedule: (callback) => {
      queue.push(callback);
    },
    runFrame: () => {
      const due = queue;
      queue = [];
      for (const callback of due) callback();
      return due.length;
    },
    get pending() {
      return queue.length;
    },
  };
}
