import { useState } from 'react';
import type { Command } from '../../../shared/api.js';
import { useServices } from '../app/app-context.js';

/**
 * Sends a command and keeps what the trader needs to see about it: which one is waiting
 * for its acknowledgement, and the refusal if there was one.
 */
export function useCommand(): {
  readonly run: (key: string, command: Command) => Promise<void>;
  readonly pendingKey: string | null;
  readonly failure: string | null;
} {
  const { api } = useServices();
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const run = async (key: string, command: Command): Promise<void> => {
    setPendingKey(key);
    setFailure(null);
    try {
      const ack = await api.send(command);
      if (!ack.ok) setFailure(`${key} refused: ${ack.reason}`);
    } catch (error) {
      setFailure(`${key} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setPendingKey(null);
    }
  };
  return { run, pendingKey, failure };
}
