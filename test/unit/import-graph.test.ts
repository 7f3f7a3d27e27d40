import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Every relative import of every source file, as folder → folder edges (top-level folders of src/). */
function folderEdges(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!.replace(/\.ts$/, '');
  for (const file of walk(SRC)) {
    const from = folderOf(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(path.resolve(path.dirname(file), match[1]!));
      if (to === from) continue;
      const targets = edges.get(from) ?? new Map<string, string[]>();
      targets.set(to, [...(targets.get(to) ?? []), path.relative(SRC, file)]);
      edges.set(from, targets);
    }
  }
  return edges;
}

function cycles(edges: Map<string, Map<string, string[]>>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of edges.get(node)?.keys() ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) found.push([...trail.slice(at), next]);
      else visit(next, [...trail, next]);
    }
  };
  for (const start of edges.keys()) visit(start, [start]);
  return found;
}

/** What docs/ARCHITECTURE.md says each folder of src/ may import: its paragraph's "May import:" line. */
function documentedImports(): Map<string, Set<string>> {
  const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Where the code lives'), doc.indexOf('Outside `src/`:'));
  const allowed = new Map<string, Set<string>>();
  for (const paragraph of section.split(/\n\s*\n/)) {
    const folder = /^\*\*`([a-z-]+)(?:\/|\.ts)`\*\*/.exec(paragraph.trim())?.[1];
    if (!folder) continue;
    const line = /May import: ([^]*?)\.\s*$/.exec(paragraph.replace(/\s+/g, ' ').trim())?.[1];
    expect({ folder, mayImport: line !== undefined }).toEqual({ folder, mayImport: true });
    allowed.set(folder, new Set(line!.startsWith('nothing') ? [] : [...line!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!)));
  }
  return allowed;
}

describe('the import graph of src/', () => {
  const edges = folderEdges();
  const documented = documentedImports();

  it('has a paragraph in docs/ARCHITECTURE.md for every folder of src/', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).map((e) => e.name.replace(/\.ts$/, ''));
    expect(folders.filter((folder) => !documented.has(folder))).toEqual([]);
    expect([...documented.keys()].filter((folder) => !folders.includes(folder))).toEqual([]);
  });

  it('imports only what docs/ARCHITECTURE.md says each folder may import', () => {
    const stray = [...edges.entries()].flatMap(([from, targets]) =>
      [...targets.entries()].filter(([to]) => !documented.get(from)?.has(to)).map(([to, files]) => `${from} → ${to} (from ${files.join(', ')})`),
    );
    expect(stray).toEqual([]);
  });

  it('reads the documented imports it checks (a broken pattern would allow nothing or everything)', () => {
    expect(documented.get('workflows')).toEqual(new Set(['contracts']));
    expect(documented.get('config')).toEqual(new Set());
    expect(documented.get('workers')?.has('activities')).toBe(true);
  });

  it('has no cycle between folders', () => {
    expect(cycles(edges).map((c) => c.join(' → '))).toEqual([]);
  });

  const importsOf = (from: string, forbidden: string[]) =>
    [...(edges.get(from) ?? new Map<string, string[]>()).entries()].filter(([to]) => forbidden.includes(to)).map(([to, files]) => `${to} (from ${files.join(', ')})`);

  it.each(['kafka', 'cassandra', 'source'])('keeps the %s adapter free of Temporal code and metrics', (adapter) => {
    expect(importsOf(adapter, ['workflows', 'activities', 'metrics', 'sink', 'workers', 'pipeline', 'schedule', 'dev'])).toEqual([]);
  });

  it('keeps the shapes that cross the workflow boundary free of drivers and code', () => {
    expect(importsOf('contracts', [...edges.keys()].filter((folder) => folder !== 'record'))).toEqual([]);
  });

  it('lets workflows import only contracts (their code runs in the deterministic sandbox)', () => {
    expect(importsOf('workflows', [...edges.keys()].filter((folder) => folder !== 'contracts'))).toEqual([]);
  });

  it('keeps development-only code out of the product; only `npm start` (main) runs the local default', () => {
    const importers = [...edges.entries()].filter(([from, targets]) => from !== 'main' && from !== 'dev' && targets.has('dev')).map(([from]) => from);
    expect(importers).toEqual([]);
  });

  it('sees the imports it checks (a broken pattern would pass everything)', () => {
    expect(edges.get('activities')?.has('cassandra')).toBe(true);
    expect(edges.get('workers')?.has('activities')).toBe(true);
    expect(edges.get('main')?.has('dev')).toBe(true);
    expect(edges.get('workflows')?.has('contracts')).toBe(true);
  });
});
