/** Prints either the human text or, with --json, one JSON document on stdout. */
export function emit(json: boolean, data: unknown, human: () => string): void {
  if (json) console.log(JSON.stringify(data, null, 2));
  else console.log(human());
}

export function formatTime(date: Date | undefined | null): string {
  return date ? date.toISOString().replace('.000Z', 'Z') : '-';
}

export function formatAgo(date: Date | undefined | null, now = Date.now()): string {
  if (!date) return '-';
  const s = Math.round((now - date.getTime()) / 1000);
  if (Math.abs(s) < 90) return s >= 0 ? `${s}s ago` : `in ${-s}s`;
  const m = Math.round(s / 60);
  return m >= 0 ? `${m}m ago` : `in ${-m}m`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
