/**
 * The confidence of every signal since the engine started, in ten bins of 0.1, with the
 * min_confidence line: at a glance, how much of the distribution the threshold lets
 * through. Plain boxes, no chart library: ten bars do not need one.
 */
export function confidenceSummary(bins: readonly number[], minConfidence: number | null): string {
  const total = bins.reduce((sum, n) => sum + n, 0);
  if (total === 0) return 'Confidence distribution: no signals yet';
  const parts = bins
    .map((n, i) =>
      n > 0
        ? `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${Math.round((n / total) * 100)}%`
        : null,
    )
    .filter((part) => part !== null);
  const above =
    minConfidence === null
      ? ''
      : `; about ${Math.round((bins.slice(Math.ceil(minConfidence * 10 - 1e-9)).reduce((s, n) => s + n, 0) / total) * 100)}% at or above min_confidence ${minConfidence}`;
  return `Confidence distribution of ${total} signals: ${parts.join(', ')}${above}`;
}

export function ConfidenceHistogram(props: {
  readonly bins: readonly number[];
  readonly minConfidence: number | null;
}) {
  const { bins, minConfidence } = props;
  const peak = Math.max(1, ...bins);
  return (
    <figure className="confidence-histogram">
      <div
        className="confidence-bars"
        role="img"
        aria-label={confidenceSummary(bins, minConfidence)}
        title={confidenceSummary(bins, minConfidence)}
      >
        {bins.map((n, i) => (
          <span
            key={i}
            className={`confidence-bar${minConfidence !== null && i / 10 >= minConfidence - 1e-9 ? ' passes' : ''}`}
            style={{ height: `${Math.round((n / peak) * 100)}%` }}
          />
        ))}
        {minConfidence !== null ? (
          <span
            className="confidence-threshold"
            aria-hidden="true"
            style={{ left: `${Math.min(100, minConfidence * 100)}%` }}
          />
        ) : null}
      </div>
      <figcaption className="confidence-axis" aria-hidden="true">
        <span>0</span>
        <span>confidence</span>
        <span>1</span>
      </figcaption>
    </figure>
  );
}
