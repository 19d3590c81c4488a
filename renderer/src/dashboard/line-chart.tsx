/** A small SVG line chart of a few series over time, drawn without a charting library. */

/** One line of the chart. */
export interface ChartSeries {
  name: string;
  /** CSS class giving the line its colour (and dash, so it reads without colour). */
  className: string;
  points: readonly { timeMs: number; value: number }[];
}

const width = 720;
const height = 200;
const pad = { left: 76, right: 28, top: 12, bottom: 28 };

/** A round upper bound for the y axis (1, 2, 5 × 10^n). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

function timeLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** The SVG path of a series, with steps (values hold until the next point). */
export function stepPath(
  points: readonly { timeMs: number; value: number }[],
  x: (ms: number) => number,
  y: (v: number) => number,
): string {
  return points
    .map((p, i) => {
      const px = x(p.timeMs).toFixed(1);
      const py = y(p.value).toFixed(1);
      return i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    })
    .join('');
}

/** The chart; `formatValue` writes the y axis labels. */
export function LineChart({
  title,
  series,
  fromMs,
  toMs,
  formatValue = String,
  formatTime = timeLabel,
}: {
  title: string;
  series: readonly ChartSeries[];
  fromMs: number;
  toMs: number;
  formatValue?: (value: number) => string;
  /** Writes the x axis labels (default: hours and minutes). */
  formatTime?: (ms: number) => string;
}) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.value))));
  const x = (ms: number) =>
    pad.left + ((ms - fromMs) / Math.max(toMs - fromMs, 1)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={pad.left} x2={width - pad.right} y1={y(t * max)} y2={y(t * max)} />
            <text x={pad.left - 6} y={y(t * max) + 4} textAnchor="end">
              {formatValue(t * max)}
            </text>
          </g>
        ))}
        {ticks.map((t) => (
          <text
            key={t}
            className="chart-axis"
            x={x(fromMs + t * (toMs - fromMs))}
            y={height - 8}
            textAnchor="middle"
          >
            {formatTime(fromMs + t * (toMs - fromMs))}
          </text>
        ))}
        {series.map((s) => {
          const lastPoint = s.points[s.points.length - 1];
          return (
            <g key={s.name} className={s.className}>
              <path className="chart-line" d={stepPath(s.points, x, y)} />
              {lastPoint && (
                <circle className="chart-dot" cx={x(lastPoint.timeMs)} cy={y(lastPoint.value)} r={3} />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {title}:{' '}
        {series.map((s) => (
          <span key={s.name} className={`legend ${s.className}`}>
            <svg width="24" height="8" aria-hidden="true">
              <line x1="0" x2="24" y1="4" y2="4" />
            </svg>{' '}
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
