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

/** The browser primitives the adaptive scheduler uses; injectable so tests drive time. */
export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): void;
  /** Runs `callback` as a task after the current one, i.e. after this frame's rendering. */
  afterFrame(callback: () => void): void;
  setTimer(callback: () => void, ms: number): void;
}

export interface AdaptiveFrameScheduler {
  readonly schedule: FrameScheduler;
  /** Main-thread time the last frame took, callbacks plus the browser's layout and paint. */
  readonly lastFrameCostMs: number;
}

function browserFrameClock(): FrameClock {
  const channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
  const queue: (() => void)[] = [];
  if (channel) channel.port1.onmessage = () => queue.shift()?.();
  return {
    now: () => performance.now(),
    requestFrame: (callback) => {
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
      else setTimeout(callback, 16);
    },
    afterFrame: (callback) => {
      if (channel === null) return void setTimeout(callback, 0);
      queue.push(callback);
      channel.port2.postMessage(null);
    },
    setTimer: (callback, ms) => void setTimeout(callback, ms),
  };
}

/**
 * Animation frames that leave the main thread at least as much time between them as the
 * last one took. On a fast machine that changes nothing (a 3 ms frame every 16 ms); on an
 * overloaded one, where a frame's layout and paint take 40 ms, rendering at every vsync
 * would starve the WebSocket messages queued behind it — acknowledgements included, so a
 * kill switch would seem to take seconds. Here drawing backs off instead, and commands
 * and the newest state always get through; coalescing means nothing is lost but
 * intermediate frames.
 */
export function createAdaptiveFrameScheduler(
  clock: FrameClock = browserFrameClock(),
): AdaptiveFrameScheduler {
  let costMs = 0;
  let lastEndMs = Number.NEGATIVE_INFINITY;
  const run = (callback: () => void): void => {
    clock.requestFrame(() => {
      const start = clock.now();
      callback();
      clock.afterFrame(() => {
        lastEndMs = clock.now();
        costMs = lastEndMs - start;
      });
    });
  };
  return {
    schedule: (callback) => {
      const restMs = costMs - (clock.now() - lastEndMs);
      if (restMs > 1) clock.setTimer(() => run(callback), restMs);
      else run(callback);
    },
    get lastFrameCostMs() {
      return costMs;
    },
  };
}
