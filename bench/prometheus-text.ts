/** Pure: reads one sample value from Prometheus text (first line whose name and labels match). */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Pure: a quantile estimate from a cumulative histogram: the upper bound of the bucket that holds it. */
export function histogramQuantile(text: string, name: string, q: number): number | undefined {
  const buckets = text
    .split('\n')
    .map((l) => new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`).exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }));
  const total = buckets.find((b) => b.le === Infinity)?.count ?? 0;
  if (total === 0) return undefined;
  return buckets.find((b) => b.count >= q * total)?.le;
}
