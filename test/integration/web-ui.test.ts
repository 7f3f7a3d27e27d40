import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { traceUser, type Trace } from '../../src/audit/trace-user';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('Temporal Web UI of the local stack (headless Chromium)', () => {
  let pipeline: IsolatedPipeline;
  let browser: Browser;
  const ui = `http://localhost:${loadStackSettings().temporal.uiPort}`;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-test-tools.sh (Debian package chromium) or set CHROMIUM_PATH`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', TEMPORAL_UI_URL: ui });
    await pipeline.prepare();
    await pipeline.startWorkers();
    await pipeline.schedule().unpause('running for the Web UI test');
    await waitFor('a written batch', async () => pipeline.counters.batchesWritten > 0, 30_000);
    await pipeline.schedule().pause('paused by the Web UI test');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  it('shows the schedule, and a batch workflow with its writeRows activity', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const scheduleId = pipeline.config.schedule.id;

    await page.goto(`${ui}/namespaces/default/schedules`);
    await page.getByText(scheduleId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-schedules.png'), fullPage: true });

    await page.goto(`${ui}/namespaces/default/schedules/${encodeURIComponent(scheduleId)}`);
    await page.getByText('paused by the Web UI test').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-schedule.png'), fullPage: true });

    const batches = pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}' AND ExecutionStatus = 'Completed'` });
    let batch: { workflowId: string; runId: string } | undefined;
    for await (const execution of batches) {
      batch = execution;
      break;
    }
    expect(batch).toBeDefined();
    await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(batch!.workflowId)}/${batch!.runId}/history`);
    await page.getByText(batch!.workflowId).first().waitFor({ timeout: 30_000 });
    await page.getByText('writeRows').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-batch-workflow.png'), fullPage: true });
    expect(fs.statSync(path.join(ARTIFACTS, 'web-ui-batch-workflow.png')).size).toBeGreaterThan(10_000);
  });

  it('opens the batch workflow `pipeline trace` links to, and it shows the batch\'s offsets', async () => {
    const [id] = await pipeline.cassandraIds();
    const trace = (await traceUser({ config: pipeline.config, temporal: pipeline.temporal, cassandra: pipeline.cassandra, kafka: pipeline.kafka }, id!)) as Extract<Trace, { where: 'cassandra' }>;
    expect(trace.where).toBe('cassandra');
    expect(trace.batch?.link.startsWith(`${ui}/namespaces/default/workflows/`)).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(trace.batch!.link);
    await page.getByText(trace.batch!.workflowId).first().waitFor({ timeout: 30_000 });
    // The workflow's input, shown on its page, is the batch reference: its offsets are there.
    const { firstOffset, lastOffset } = trace.batch!;
    await waitFor('the batch offsets on the page', async () => {
      const text = (await page.locator('body').innerText()).replace(/\s+/g, '');
      return text.includes(`"firstOffset":"${firstOffset}"`) && text.includes(`"lastOffset":"${lastOffset}"`);
    }, 30_000, 500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-traced-batch.png'), fullPage: true });
  });
});
