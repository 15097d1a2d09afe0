/**
 * Hands the newest value to any number of subscribers, each at most `maxHz` times a
 * second and each only the latest: a slow or rate-limited subscriber skips the values it
 * had no time for instead of building a backlog, so the window can never fall behind the
 * market (docs/ARCHITECTURE.md §1: state at ≤ 30 Hz, snapshots not events).
 */
export interface LatestFanout<T> {
  publish(value: T): void;
  /** The listener gets the latest value now if there is one, then on changes. */
  subscribe(listener: (value: T) => void): () => void;
  latest(): T | null;
  /** Stops every pending delivery; later publishes are still kept as `latest`. */
  close(): void;
}

interface Subscriber<T> {
  readonly listener: (value: T) => void;
  lastDeliveredAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  delivered: T | null;
}

export function createLatestFanout<T>(options: {
  readonly maxHz: number;
  readonly onListenerError?: (error: unknown) => void;
}): LatestFanout<T> {
  const intervalMs = 1000 / options.maxHz;
  const subscribers = new Set<Subscriber<T>>();
  let latest: T | null = null;
  let closed = false;

  const deliver = (subscriber: Subscriber<T>): void => {
    subscriber.timer = null;
    if (latest === null || subscriber.delivered === latest || !subscribers.has(subscriber)) return;
    subscriber.lastDeliveredAt = performance.now();
    subscriber.delivered = latest;
    try {
      subscriber.listener(latest);
    } catch (error) {
      options.onListenerError?.(error);
    }
  };

  const offer = (subscriber: Subscriber<T>): void => {
    if (closed || subscriber.timer !== null) return; // the pending delivery will take the newest
    const wait = subscriber.lastDeliveredAt + intervalMs - performance.now();
    if (wait <= 0) deliver(subscriber);
    else subscriber.timer = setTimeout(() => deliver(subscriber), wait);
  };

  return {
    publish(value) {
      latest = value;
      for (const subscriber of subscribers) offer(subscriber);
    },
    subscribe(listener) {
      const subscriber: Subscriber<T> = {
        listener,
        lastDeliveredAt: -Infinity,
        timer: null,
        delivered: null,
      };
      subscribers.add(subscriber);
      offer(subscriber);
      return () => {
        subscribers.delete(subscriber);
        if (subscriber.timer !== null) clearTimeout(subscriber.timer);
      };
    },
    latest: () => latest,
    close() {
      closed = true;
      for (const subscriber of subscribers) {
        if (subscriber.timer !== null) clearTimeout(subscriber.timer);
        subscriber.timer = null;
      }
    },
  };
}
