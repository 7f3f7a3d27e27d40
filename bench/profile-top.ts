import fs from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` this reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `name (file:line)`, the file relative to node_modules or the project. */
  fn: string;
  /** µs of self time over the profile. */
  selfUs: number;
  /** Share of every sample's time, idle included. */
  share: number;
  /** µs of self time per row, when the rows are known. */
  usPerRow?: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const plain = url.replace(/^file:\/\//, '');
  const modules = plain.lastIndexOf('node_modules/');
  if (modules >= 0) return plain.slice(modules + 'node_modules/'.length);
  if (plain.startsWith('node:')) return plain;
  return path.relative(process.cwd(), plain);
}

/**
 * Pure: the functions a profile spent most self time in (time in the function itself, not in what it
 * calls), idle and program time left out, as µs per row when `rows` is given.
 */
export function topSelfTime(profile: CpuProfile, top: number, rows?: number): { functions: SelfTime[]; busyUs: number; busyUsPerRow?: number } {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    totalUs += delta;
    const frame = byNode.get(profile.samples[i]!)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    busyUs += delta;
    const url = shortUrl(frame.url);
    const fn = `${frame.functionName || '(anonymous)'}${url ? ` (${url}:${frame.lineNumber + 1})` : ''}`;
    selfUs.set(fn, (selfUs.get(fn) ?? 0) + delta);
  }
  const functions = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, selfUs: Math.round(us), share: Math.round((us / Math.max(1, totalUs)) * 1000) / 1000, ...(rows ? { usPerRow: Math.round((us / rows) * 100) / 100 } : {}) }));
  return { functions, busyUs: Math.round(busyUs), ...(rows ? { busyUsPerRow: Math.round((busyUs / rows) * 100) / 100 } : {}) };
}

export function readCpuProfile(file: string): CpuProfile {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
    throw new Error(`${file} is not a V8 CPU profile (no nodes, samples and timeDeltas)`);
  }
  return profile;
}
