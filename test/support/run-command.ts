import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs a command to completion with extra environment, capturing its output. */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Our `pipeline` command, as a user runs it (bin/pipeline.js). */
export function runPipeline(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runCommand(process.execPath, [path.join(ROOT, 'bin', 'pipeline.js'), ...args], env);
}
