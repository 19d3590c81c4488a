// The growth chart of `npm run bench -- --scale`: one panel per series, the cost per unit at each
// size relative to the smallest size (a flat line at 1 is linear growth; a rising one is not).

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const panelWidth = 300;
const panelHeight = 220;
const margin = { left: 48, right: 16, top: 40, bottom: 44 };

function panel(series, index) {
  const x0 = index * panelWidth;
  const w = panelWidth - margin.left - margin.right;
  const h = panelHeight - margin.top - margin.bottom;
  const relative = series.points.map((p) => p.perUnit / series.points[0].perUnit);
  const top = Math.max(2, Math.ceil(Math.max(...relative) * 2) / 2);
  const xs = series.points.map((_, i) => margin.left + (i * w) / Math.max(1, series.points.length - 1));
  const y = (v) => margin.top + h - (v / top) * h;
  const grid = [0, top / 2, 1, top]
    .filter((v, i, all) => all.indexOf(v) === i)
    .map(
      (v) =>
        `<line x1="${margin.left}" x2="${margin.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 1 ? '#8a8' : '#ddd'}"/>` +
        `<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  const line = xs.map((x, i) => `${x},${y(relative[i])}`).join(' ');
  const dots = series.points.map(
    (p, i) =>
      `<circle cx="${xs[i]}" cy="${y(relative[i])}" r="3.5" fill="#2563eb"/>` +
      `<text x="${xs[i]}" y="${y(relative[i]) - 8}" text-anchor="middle">${esc(p.perUnitLabel)}</text>` +
      `<text x="${xs[i]}" y="${margin.top + h + 16}" text-anchor="middle">${esc(p.label)}</text>`,
  );
  return (
    `<g transform="translate(${x0},0)">` +
    `<text x="${panelWidth / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(series.title)}</text>` +
    `<text x="${panelWidth / 2}" y="${panelHeight - 8}" text-anchor="middle">${esc(series.unit)}</text>` +
    grid.join('') +
    `<polyline points="${line}" fill="none" stroke="#2563eb" stroke-width="2"/>` +
    dots.join('') +
    `</g>`
  );
}

/**
 * An SVG of the growth series: `[{title, unit, points: [{label, perUnit, perUnitLabel}]}]`.
 * `note` says when and under which load the numbers were taken.
 */
export function growthChart(series, note) {
  const width = panelWidth * series.length;
  const height = panelHeight + 24;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    series.map(panel).join('') +
    `<text x="8" y="${height - 6}" fill="#555">${esc(note)} (cost per unit relative to the smallest size; flat at 1 = linear)</text>` +
    `</svg>\n`
  );
}
