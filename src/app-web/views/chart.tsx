import { messages } from '../messages.js';
import type { Series } from './series.js';
import { dateWords } from './words.js';

/**
 * A line chart as server-drawn SVG: no script, so it works under the strict CSP and without
 * JavaScript. It is an image named after the instrument, with the latest value as its
 * description, and the same values as a table beside it; bands are shaded and labelled, and
 * changes at least the instrument's meaningful change are ringed (and flagged in the table).
 */

const W = 640;
const H = 260;
const PAD = { left: 44, top: 14, bottom: 34 };
/** Room on the right for band labels ("Moderately severe"), when there are bands. */
const BAND_LABELS = 150;

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

export function Chart({ series, id }: { series: Series; id: string }) {
  const { points, min, max } = series;
  const right = series.bands.length ? BAND_LABELS : 24;
  const plotW = W - PAD.left - right;
  const plotH = H - PAD.top - PAD.bottom;
  const span = max - min || 1;
  const y = (v: number) => PAD.top + plotH - ((Math.min(max, Math.max(min, v)) - min) / span) * plotH;
  const times = points.map((p) => new Date(p.at).getTime());
  const t0 = times[0]!;
  const t1 = times[times.length - 1]!;
  const x = (t: number) => (t1 === t0 ? PAD.left + plotW / 2 : PAD.left + ((t - t0) / (t1 - t0)) * plotW);
  const changes = points.map((p, i) => (i === 0 ? null : p.value - points[i - 1]!.value));
  const meaningful = changes.map((c) => c !== null && series.meaningfulChange !== null && Math.abs(c) >= series.meaningfulChange);
  const latest = points[points.length - 1]!;
  const unit = series.unit && series.unit !== '1' ? ` ${series.unit}` : '';
  const bandLabel = (code: string | null) => (code ? (series.bands.find((b) => b.code === code)?.label ?? code) : null);
  const latestBand = bandLabel(latest.band);
  const latestText = messages.chart.latest(`${fmt(latest.value)}${unit}${latestBand ? ` (${latestBand})` : ''}`, dateWords(latest.at));
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure class="chart">
      <figcaption>
        <strong>{series.label}</strong>
        <span class="latest">{latestText}</span>
      </figcaption>
      <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`} focusable="false">
        <title id={titleId}>{messages.chart.name(series.label)}</title>
        <desc id={descId}>{latestText}</desc>
        {series.bands.map((b, i) => {
          // Integer bands (0–4, 5–9) meet halfway between their ends, so the shading has no gaps.
          const top = y(Math.min(max, b.max + 0.5));
          const bottom = y(Math.max(min, b.min - 0.5));
          return (
            <g key={b.code} class={`band band-${i % 5}`}>
              <rect x={PAD.left} y={top} width={plotW} height={Math.max(1, bottom - top)} />
              <text x={W - right + 6} y={(top + bottom) / 2 + 5}>
                {b.label}
              </text>
            </g>
          );
        })}
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={PAD.left + plotW} y2={PAD.top + plotH} />
        <text class="tick" x={PAD.left - 6} y={y(max) + 4} text-anchor="end">
          {fmt(max)}
        </text>
        <text class="tick" x={PAD.left - 6} y={y(min) + 4} text-anchor="end">
          {fmt(min)}
        </text>
        <text class="tick" x={PAD.left} y={H - 10}>
          {dateWords(points[0]!.at)}
        </text>
        {points.length > 1 && (
          <text class="tick" x={PAD.left + plotW} y={H - 10} text-anchor="end">
            {dateWords(latest.at)}
          </text>
        )}
        {points.length > 1 && <polyline class="line" points={points.map((p, i) => `${x(times[i]!)},${y(p.value)}`).join(' ')} />}
        {points.map((p, i) => (
          <g key={p.at + i}>
            {meaningful[i] && <circle class="meaningful" cx={x(times[i]!)} cy={y(p.value)} r={10} />}
            <circle class="point" cx={x(times[i]!)} cy={y(p.value)} r={4.5} />
          </g>
        ))}
      </svg>
      {points.length === 1 && <p class="hint">{messages.chart.onePoint}</p>}
      {series.meaningfulChange !== null && <p class="hint">{messages.chart.meaningfulNote(series.meaningfulChange)}</p>}
      {series.copyright && <p class="hint">{series.copyright}</p>}
      <details>
        <summary>{messages.chart.table}</summary>
        <table>
          <caption class="visually-hidden">{series.label}</caption>
          <thead>
            <tr>
              <th scope="col">{messages.chart.date}</th>
              <th scope="col">{`${messages.chart.value}${unit}`}</th>
              {series.bands.length > 0 && <th scope="col">{messages.chart.band}</th>}
              <th scope="col">{messages.chart.change}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p, i) => (
              <tr key={p.at + i}>
                <td>{dateWords(p.at)}</td>
                <td>{fmt(p.value)}</td>
                {series.bands.length > 0 && <td>{bandLabel(p.band) ?? ''}</td>}
                <td>{changes[i] === null ? '' : meaningful[i] ? messages.chart.meaningful(Number(fmt(changes[i]!))) : fmt(changes[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
