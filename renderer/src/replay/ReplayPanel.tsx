import { useState } from 'react';
import { useStore } from 'zustand';
import type { ReplaySpeed } from '../../../shared/api.js';
import { useServices } from '../app/app-context.js';
import { useCommand } from '../components/use-command.js';
import { formatClockUs } from '../format/numbers.js';

/**
 * Replay in the window: choose a recording the host offers (by name: the window never
 * names a path), play it at 1×, 10×, 100× or as fast as the engine goes, pause, step one
 * book update, see how far it has come on the recording's clock, leave it for the live
 * market, and at the end write the backtest report. Everything else in the window (book,
 * chart, heatmap, orders, kill switch, parameters) shows the replay while it runs.
 */
const SPEEDS: ReadonlyArray<{ readonly value: ReplaySpeed; readonly label: string }> = [
  { value: 1, label: '1×' },
  { value: 10, label: '10×' },
  { value: 100, label: '100×' },
  { value: 0, label: 'max' },
];

const speedLabel = (speed: ReplaySpeed): string =>
  SPEEDS.find((s) => s.value === speed)?.label ?? `${speed}×`;

export function ReplayPanel() {
  const { engine, api } = useServices();
  const { run, pendingKey, failure } = useCommand();
  const [openFailure, setOpenFailure] = useState<string | null>(null);
  const openFile = (): void => {
    setOpenFailure(null);
    api.openRecording?.(speed).then(
      (ack) => setOpenFailure(ack.ok ? null : `Open refused: ${ack.reason}`),
      (error: unknown) => setOpenFailure(`Open failed: ${String(error)}`),
    );
  };
  const listText = useStore(engine.store, (s) => (s.state?.recordings ?? []).join('\n'));
  const recordings = listText === '' ? [] : listText.split('\n');
  const active = useStore(engine.store, (s) => s.state?.replay !== undefined);
  const file = useStore(engine.store, (s) => s.state?.replay?.file ?? null);
  const paused = useStore(engine.store, (s) => s.state?.replay?.paused ?? false);
  const finished = useStore(engine.store, (s) => s.state?.replay?.finished ?? false);
  const reportPath = useStore(engine.store, (s) => s.state?.replay?.reportPath ?? null);
  const firstTsUs = useStore(engine.store, (s) => s.state?.replay?.firstTsUs ?? 0);
  const lastTsUs = useStore(engine.store, (s) => s.state?.replay?.lastTsUs ?? 0);
  const tsUs = useStore(engine.store, (s) => s.state?.replay?.tsUs ?? 0);
  const bookUpdates = useStore(engine.store, (s) => s.state?.replay?.bookUpdates ?? 0);
  const [chosen, setChosen] = useState<string | null>(null);
  const [speed, setSpeed] = useState<ReplaySpeed>(10);
  const recording =
    chosen !== null && recordings.includes(chosen)
      ? chosen
      : (recordings.find((r) => r.startsWith('sample-recording')) ?? recordings[0] ?? null);

  const play = (): void => {
    if (active && paused && !finished) void run('Play', { type: 'replayControl', action: 'play' });
    else if (recording !== null) void run('Play', { type: 'replayStart', recording, speed });
  };
  const changeSpeed = (next: ReplaySpeed): void => {
    setSpeed(next);
    if (active) void run('Speed', { type: 'replaySpeed', speed: next });
  };
  const span = lastTsUs - firstTsUs;
  const fraction = finished
    ? 1
    : span > 0
      ? Math.min(1, Math.max(0, (tsUs - firstTsUs) / span))
      : 0;
  const timeText = `${formatClockUs(tsUs)} of ${formatClockUs(lastTsUs)} (recording time), ${bookUpdates} book updates`;

  return (
    <section className="panel panel-replay" role="region" aria-label="Replay">
      <header className="panel-header">
        <h2>Replay</h2>
      </header>
      <div className="replay-body">
        <label>
          Recording{' '}
          <select
            aria-label="Recording"
            value={active && file !== null ? file : (recording ?? '')}
            disabled={active || recordings.length === 0}
            onChange={(event) => setChosen(event.target.value)}
          >
            {recordings.length === 0 ? <option value="">no recordings found</option> : null}
            {recordings.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <div className="replay-buttons">
          {api.openRecording !== undefined ? (
            <button type="button" onClick={openFile} title="Choose any recording file to replay">
              Open…
            </button>
          ) : null}
          <button
            type="button"
            onClick={play}
            disabled={
              recording === null || pendingKey === 'Play' || (active && !paused && !finished)
            }
          >
            Play
          </button>
          <button
            type="button"
            onClick={() => void run('Pause', { type: 'replayControl', action: 'pause' })}
            disabled={!active || paused || finished}
          >
            Pause
          </button>
          <button
            type="button"
            title="Advance exactly one book update"
            onClick={() => void run('Step', { type: 'replayControl', action: 'step' })}
            disabled={!active || !paused || finished}
          >
            Step
          </button>
          <label>
            Speed{' '}
            <select
              aria-label="Speed"
              value={String(speed)}
              onChange={(event) => changeSpeed(Number(event.target.value) as ReplaySpeed)}
            >
              {SPEEDS.map((s) => (
                <option key={s.value} value={String(s.value)}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => void run('Report', { type: 'replayReport' })}
            disabled={!finished || pendingKey === 'Report'}
            title="Write the backtest report of this replay (an HTML file in the data directory)"
          >
            Report
          </button>
          <button
            type="button"
            onClick={() => void run('Back to live', { type: 'replayStop' })}
            disabled={!active}
            title="Stop the replay and go back to the live market"
          >
            Back to live
          </button>
        </div>
        {active ? (
          <>
            <progress
              aria-label="Replay progress"
              aria-valuetext={timeText}
              max={1}
              value={fraction}
            />
            <p className="replay-time">{timeText}</p>
          </>
        ) : (
          <p className="replay-time">
            Live market. Choose a recording and press Play to replay it.
          </p>
        )}
        {finished ? (
          <p className="replay-done" role="status">
            End of recording.{' '}
            {reportPath !== null
              ? `Report written to ${reportPath}`
              : 'Press Report for the backtest report.'}
          </p>
        ) : null}
        {failure !== null || openFailure !== null ? (
          <p className="replay-error" role="alert">
            {failure ?? openFailure}
          </p>
        ) : null}
      </div>
    </section>
  );
}

/** The header's notice that the window shows a replay, of which file, at which speed. */
export function ReplayBadge() {
  const { engine } = useServices();
  const file = useStore(engine.store, (s) => s.state?.replay?.file ?? null);
  const speed = useStore(engine.store, (s) => s.state?.replay?.speed ?? 0);
  const paused = useStore(engine.store, (s) => s.state?.replay?.paused ?? false);
  const finished = useStore(engine.store, (s) => s.state?.replay?.finished ?? false);
  if (file === null) return null;
  const status = `at ${speedLabel(speed as ReplaySpeed)}${finished ? ', ended' : paused ? ', paused' : ''}`;
  return (
    <p className="replay-badge" role="status" aria-label="Replay mode">
      REPLAY of {file} {status} · not the live market
    </p>
  );
}
