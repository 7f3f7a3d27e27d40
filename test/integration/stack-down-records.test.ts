import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { purgeStackData, StackPurgeRefusedError } from '../../src/dev/stack/stack';
import { alive, emptyStackEnv, runStack, startStandIn, writeRecord } from '../support/empty-stack';

/**
 * `stack down` and `stack status` go by the records under the run folder, not by today's settings:
 * processes recorded by a stack started with STACK_CASSANDRA_NODES=3, STACK_KAFKA_BROKERS=3, a TLS
 * terminator and a source server are stopped by a plain `down` and shown by a plain `status`. The
 * processes are `sleep`s of the test's own, recorded in the stack's record format, in a stack folder
 * of its own: the shared stack is never touched.
 */
describe('stack down and status: every recorded process, whatever the environment says now', () => {
  const env = emptyStackEnv('stack-records');
  const dataDir = env.STACK_DIR!;
  const children: ChildProcess[] = [];
  const standIn = (seconds: number) => {
    const child = startStandIn(seconds);
    children.push(child);
    return child.pid!;
  };

  afterAll(() => {
    for (const child of children) if (child.pid && alive(child.pid)) process.kill(child.pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('status shows them, --purge refuses while they run, down stops each whose pid and start time match', async () => {
    const names = ['cassandra-2', 'cassandra-3', 'kafka-2', 'kafka-3', 'temporal-tls', 'source-server'];
    const recorded = names.map((name, i) => writeRecord(dataDir, { name, pid: standIn(3600 + i), marker: String(3600 + i) }));
    // A record whose pid now belongs to another process (same command line, another start time): left alone.
    const impostorPid = standIn(3700);
    writeRecord(dataDir, { name: 'cassandra-4', pid: impostorPid, marker: '3700', processStart: '1' });
    fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'run', 'started-by-tests.json'), '["temporal"]'); // not a record

    const status = await runStack(['status'], env);
    expect(status.stderr).toBe('');
    for (const r of recorded) expect(status.stdout).toMatch(new RegExp(`^${r.name} +running(, not answering)? \\(pid ${r.pid}\\)`, 'm'));
    expect(status.stdout).toMatch(/^cassandra-4 +stopped: record of pid \d+ left behind/m);
    expect(status.stdout).toMatch(/^cassandra +stopped$/m);

    // Purging now would delete the records of running processes.
    expect(() => purgeStackData(loadStackSettings({ ...process.env, ...env }))).toThrow(StackPurgeRefusedError);
    expect(fs.existsSync(path.join(dataDir, 'run', 'kafka-2.json'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'logs'))).toBe(true);

    const down = await runStack(['down'], env);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    // Each is reported as stopped, or killed when it outlived the grace (a loaded machine can keep a
    // stand-in's exit from being seen within it): either way it is gone, and named.
    for (const r of recorded) {
      expect(alive(r.pid)).toBe(false);
      expect(down.stdout).toMatch(new RegExp(`^${r.name} +(stopped|killed)`, 'm'));
    }
    expect(down.stdout).toMatch(/^cassandra-2 +(stopped|killed) \(started with other settings\)$/m);
    expect(down.stdout).toMatch(/^cassandra-4 +not running/m);
    expect(alive(impostorPid)).toBe(true);

    const after = await runStack(['status'], env);
    for (const name of names) expect(after.stdout).not.toMatch(new RegExp(`^${name} `, 'm'));

    const purge = await runStack(['down', '--purge'], env);
    expect({ code: purge.code, stdout: purge.code === 0 ? '' : purge.stdout, stderr: purge.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(purge.stdout).toContain(`data and logs removed from ${dataDir}`);
    expect(fs.existsSync(path.join(dataDir, 'run'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'logs'))).toBe(false);
    expect(alive(impostorPid)).toBe(true);
  });

  it('down --purge stops a recorded process before it purges, and says so', async () => {
    const pid = standIn(3800);
    writeRecord(dataDir, { name: 'kafka-3', pid, marker: '3800' });
    const purge = await runStack(['down', '--purge'], env);
    expect({ code: purge.code, stdout: purge.code === 0 ? '' : purge.stdout, stderr: purge.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    // Stopped, or killed when its exit is not seen within the grace on a loaded machine: named either way.
    expect(purge.stdout).toMatch(/^kafka-3 +(stopped|killed) \(started with other settings\)$/m);
    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'run'))).toBe(false);
  });
});
