/** Pure: a small two-series line chart (left and right axes) as standalone SVG, for docs/BENCHMARKS.md. */
export function lineChartSvg(options: {
  title: string;
  xLabel: string;
  points: { x: number; left: number; right: number; extra?: number }[];
  leftLabel: string;
  rightLabel: string;
  /** A third series, dashed, on its own scale (0 to its maximum, given in the legend). */
  extraLabel?: string;
}): string {
  const width = 720;
  const height = 320;
  const pad = { l: 70, r: 70, t: 36, b: 44 };
  const xs = options.points.map((p) => p.x);
  const xMax = Math.max(1, ...xs);
  const leftMax = Math.max(1, ...options.points.map((p) => p.left));
  const rightMax = Math.max(1, ...options.points.map((p) => p.right));
  const extraMax = Math.max(1, ...options.points.map((p) => p.extra ?? 0));
  const px = (x: number) => pad.l + (x / xMax) * (width - pad.l - pad.r);
  const py = (v: number, max: number) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  const path = (key: 'left' | 'right' | 'extra', max: number) => options.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p[key] ?? 0, max).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const fmt = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${options.title}</text>
  ${ticks.map((t) => `<line x1="${pad.l}" x2="${width - pad.r}" y1="${py(t, 1)}" y2="${py(t, 1)}" stroke="#eee"/>
  <text x="${pad.l - 6}" y="${py(t, 1) + 4}" text-anchor="end" fill="#1f77b4">${fmt(t * leftMax)}</text>
  <text x="${width - pad.r + 6}" y="${py(t, 1) + 4}" fill="#d62728">${fmt(t * rightMax)}</text>
  <text x="${px(t * xMax)}" y="${height - pad.b + 16}" text-anchor="middle">${(t * xMax).toFixed(0)}</text>`).join('\n  ')}
  <path d="${path('left', leftMax)}" fill="none" stroke="#1f77b4" stroke-width="2"/>
  <path d="${path('right', rightMax)}" fill="none" stroke="#d62728" stroke-width="2"/>
  ${options.extraLabel ? `<path d="${path('extra', extraMax)}" fill="none" stroke="#2ca02c" stroke-width="2" stroke-dasharray="6 3"/>
  <text x="${pad.l + 8}" y="${pad.t + 12}" fill="#2ca02c">- - ${options.extraLabel} (top of the chart: ${fmt(extraMax)})</text>` : ''}
  <text x="${width / 2}" y="${height - 8}" text-anchor="middle">${options.xLabel}</text>
  <text x="16" y="${height / 2}" transform="rotate(-90 16 ${height / 2})" text-anchor="middle" fill="#1f77b4">${options.leftLabel}</text>
  <text x="${width - 14}" y="${height / 2}" transform="rotate(90 ${width - 14} ${height / 2})" text-anchor="middle" fill="#d62728">${options.rightLabel}</text>
</svg>
`;
}
