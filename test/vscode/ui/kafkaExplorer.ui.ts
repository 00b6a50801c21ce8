import { setTheme, THEMES } from './workbenchThemes';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { isKafkaBrokerProcess, startKafkaBroker, stopKafkaBroker } from '../../../scripts/kafka/kafkaBroker';
import type { KafkaClient, KafkaConsumer } from '../../../src/core/kafka/KafkaClient';
import { createKafkaClient } from '../../../src/core/kafka/openKafkaClient';
import { readMessages } from '../../../src/core/kafka/readMessages';
import type { UiTestOutcome } from './newDag.ui';
import {
  activeWebview,
  answerInputBox,
  openWorkbench,
  pickQuickItem,
  runCommandFromPalette,
  waitUntil,
  openUiTestPage,
  type UiTestOptions,
} from './workbenchUi';

const CLUSTER = 'local';
const TOPIC = 'weather.events';
const GROUP = 'ui-test-sink';
const BIG_TOPIC = 'weather.history';
const BIG_COUNT = 100_000;
/** Port 1 on loopback: nothing listens there, so connecting is refused at once. */
const OFFLINE_BROKER = '127.0.0.1:1';
/** A value that would render bold if the browser treated Kafka data as HTML. */
const UI_VALUE = '{"city":"Paris","temp_c":31.5,"note":"<b>not bold</b>"}';
const KCAT_VALUE = '{"city":"Oslo","temp_c":-3,"alerts":["ice"]}';

/**
 * A data engineer's Kafka minute, against a real broker started for the test (and stopped by its
 * PID after): add a cluster, create a topic, produce a message from VS Code and one with `kcat`
 * (key and headers), see them in the tree's offsets and in the message browser (a hostile value
 * stays text, the detail pane pretty-prints JSON), reset a consumer group (refused while a member
 * is connected). Screenshots of the view and the browser in dark and light themes.
 */
export async function runKafkaExplorerUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name = 'UI: Kafka view and message browser against a real broker, in dark and light themes';
  const started = Date.now();
  await mkdir(options.resultsDir, { recursive: true });
  for (const file of await readdir(options.resultsDir)) {
    if (/^kafka-.*\.png$|^failure-kafka\.png$/.test(file)) await rm(join(options.resultsDir, file));
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'dagstream-kafka-ui-'));
  let pid: number | undefined;
  // The JVM must not outlive a runner that is killed: a synchronous last resort.
  const killOnExit = (): void => {
    try {
      if (pid !== undefined && isKafkaBrokerProcess(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Nobody is left to report to.
    }
  };
  process.once('exit', killOnExit);
  const { page, cspViolations, dialogs, screenshots, shoot } = await openUiTestPage(context, options.resultsDir);
  let client: KafkaClient | undefined;
  let member: KafkaConsumer | undefined;
  try {
    const broker = await startKafkaBroker({ dataDir });
    pid = broker.pid;
    console.log(`[vscode] kafka: broker at ${broker.bootstrap} (pid ${broker.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    client = await createKafkaClient(
      { name: 'ui-test', brokers: [broker.bootstrap] },
      { getSecret: () => Promise.resolve(undefined), describeLocation: () => 'nowhere' },
    );

    await openWorkbench(page, options.workbenchUrl);
    await setTheme(page, THEMES.dark);

    // 1. Add the cluster through the input boxes.
    await runCommandFromPalette(page, 'Dagstream: Add Kafka Cluster');
    await answerInputBox(page, 'Name of the cluster', CLUSTER);
    await answerInputBox(page, 'Bootstrap servers', broker.bootstrap);
    await answerInputBox(page, 'Client id', 'dagstream-ui-test');
    await pickQuickItem(page, 'No TLS');
    await pickQuickItem(page, 'No SASL');
    await expectNotification(page, `Kafka cluster "${CLUSTER}" saved and reachable`);

    // 2. The Kafka view shows it; expanding it says there are no topics yet.
    const view = await showKafkaView(page);
    await widenSideBar(page, 420);
    const clusterRow = treeRow(view, CLUSTER);
    await clusterRow.waitFor({ timeout: 15_000 });
    await expand(clusterRow);
    await treeRow(view, 'No topics yet').waitFor({ timeout: 15_000 });
    await treeRow(view, 'Consumer groups').waitFor();

    // 2b. A cluster nobody listens for: saved with a warning; expanding it shows an error node that
    // names the profile and the broker. Then removed, through the modal confirmation.
    await runCommandFromPalette(page, 'Dagstream: Add Kafka Cluster');
    await answerInputBox(page, 'Name of the cluster', 'offline');
    await answerInputBox(page, 'Bootstrap servers', OFFLINE_BROKER);
    await answerInputBox(page, 'Client id', 'dagstream');
    await pickQuickItem(page, 'No TLS');
    await pickQuickItem(page, 'No SASL');
    await expectNotification(page, 'Kafka cluster "offline" saved, but connecting failed');
    await expand(treeRow(view, 'offline'));
    const errorRow = view.locator('.monaco-list-row', { hasText: `Cannot reach Kafka broker ${OFFLINE_BROKER} (profile "offline")` });
    await errorRow.waitFor({ timeout: 30_000 });
    await shoot('kafka-unreachable-dark.png');
    await runCommandFromPalette(page, 'Dagstream: Remove Kafka Cluster');
    await pickQuickItem(page, 'offline');
    await page.locator('.monaco-dialog-box', { hasText: 'Remove Kafka cluster "offline"' }).waitFor({ timeout: 10_000 });
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove Cluster' }).click();
    await waitUntil('the offline cluster to leave the tree', async () => (await treeRow(view, 'offline').count()) === 0, 10_000);

    // 3. Create a topic with 3 partitions and a config.
    await runCommandFromPalette(page, 'Dagstream: Create Kafka Topic');
    await answerInputBox(page, 'Topic name', TOPIC);
    await answerInputBox(page, 'Number of partitions', '3');
    await answerInputBox(page, 'Replication factor', '1');
    await answerInputBox(page, 'Topic configs', 'retention.ms=86400000');
    await expectNotification(page, `Created topic ${TOPIC} on ${CLUSTER}: 3 partition(s)`);
    const described = await (await client.admin()).describeTopic(TOPIC);
    if (described.partitions.length !== 3) throw new Error(`The broker has ${described.partitions.length} partitions for ${TOPIC}, not 3.`);
    const retention = described.configs.find((c) => c.name === 'retention.ms');
    if (retention?.value !== '86400000') throw new Error(`retention.ms on the broker is ${retention?.value}, not 86400000.`);
    const topicRow = treeRow(view, TOPIC);
    await topicRow.waitFor({ timeout: 15_000 });
    await waitUntil(
      'the topic row to say 3 partitions',
      async () => (await topicRow.innerText()).includes('3 partitions'),
      10_000,
      async () => topicRow.innerText(),
    );

    // 4. Produce a message from VS Code (key, header, value), and one with kcat.
    await runCommandFromPalette(page, 'Dagstream: Produce Kafka Message');
    await pickQuickItem(page, TOPIC);
    await answerInputBox(page, 'Key', 'paris');
    await answerInputBox(page, 'Headers', 'source=ui-test');
    await answerInputBox(page, 'Value', UI_VALUE);
    await expectNotification(page, `Produced a message to ${TOPIC} on ${CLUSTER}`);
    // The form remembers what was last produced to the topic.
    await runCommandFromPalette(page, 'Dagstream: Produce Kafka Message');
    await pickQuickItem(page, TOPIC);
    const keyBox = page.locator('.quick-input-widget', { hasText: 'Key' }).locator('.quick-input-box input');
    await waitUntil(
      'the key box to offer the last key',
      async () => (await keyBox.inputValue()) === 'paris',
      10_000,
      () => keyBox.inputValue(),
    );
    await page.keyboard.press('Escape');
    const kcat = spawnSync('kcat', ['-b', broker.bootstrap, '-t', TOPIC, '-P', '-k', 'oslo', '-H', 'origin=kcat', '-H', 'trace=7'], {
      input: `${KCAT_VALUE}\n`,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (kcat.status !== 0) throw new Error(`kcat could not produce (exit ${kcat.status}): ${kcat.stderr}`);

    // 5. A consumer group reads both and commits: it has offsets to reset later.
    const read = await readMessages(client, {
      topics: [TOPIC],
      groupId: GROUP,
      stopAtEnd: true,
      maxMs: 30_000,
      onMessage: () => undefined,
    });
    if (read.count !== 2) throw new Error(`The consumer group read ${read.count} message(s), expected 2.`);

    // 6. The tree shows the partitions' offsets and the group with its state and lag.
    await clickViewAction(page, 'Refresh Kafka');
    await expand(treeRow(view, TOPIC));
    await waitUntil(
      'partition rows with offsets',
      async () => (await view.locator('.monaco-list-row', { hasText: /partition \d/ }).count()) === 3,
      15_000,
    );
    const partitionTexts = await view.locator('.monaco-list-row', { hasText: /partition \d/ }).allInnerTexts();
    const messageCount = partitionTexts.reduce((sum, text) => sum + Number(/(\d+) messages?/.exec(text)?.[1] ?? 0), 0);
    if (messageCount !== 2)
      throw new Error(`The partitions show ${messageCount} messages in all, expected 2: ${JSON.stringify(partitionTexts)}`);
    await expand(treeRow(view, 'Consumer groups'));
    const groupRow = treeRow(view, GROUP);
    await groupRow.waitFor({ timeout: 15_000 });
    await waitUntil(
      'the group to show state Empty and lag 0',
      async () => /Empty.*lag 0/.test(await groupRow.innerText()),
      10_000,
      () => groupRow.innerText(),
    );
    await expand(groupRow);
    await view
      .locator('.monaco-list-row', { hasText: /committed \d+ · end \d+ · lag 0/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await shoot('kafka-tree-dark.png');

    // 7. The message browser shows both messages; the hostile value is text; the detail pane pretty-prints.
    await runCommandFromPalette(page, 'Dagstream: Browse Kafka Messages');
    await pickQuickItem(page, TOPIC);
    const webview = activeWebview(page);
    const table = webview.locator('[data-testid="message-table"]');
    await table.waitFor({ timeout: 30_000 });
    await waitUntil(
      '2 messages in the browser',
      async () => (await table.getAttribute('data-row-count')) === '2',
      20_000,
      async () => webview.locator('[data-testid="browse-status"]').innerText(),
    );
    await waitUntil(
      'the browser to be live',
      async () => (await webview.locator('[data-testid="browse-status"]').getAttribute('data-status')) === 'live',
    );
    const rows = webview.locator('.row.message');
    const rowTexts = await rows.allInnerTexts();
    const kcatRow = rows.filter({ hasText: 'oslo' });
    const uiRow = rows.filter({ hasText: 'paris' });
    if ((await kcatRow.count()) !== 1 || !(await kcatRow.innerText()).includes('origin=kcat, trace=7')) {
      throw new Error(`No row shows kcat's message with key oslo and headers origin=kcat, trace=7: ${JSON.stringify(rowTexts)}`);
    }
    if (!(await uiRow.innerText()).includes('<b>not bold</b>'))
      throw new Error(`The value is not shown as text: ${JSON.stringify(rowTexts)}`);
    if ((await webview.locator('b').count()) > 0) throw new Error('A Kafka value was rendered as HTML (a <b> element exists).');
    await kcatRow.click();
    const value = webview.locator('[data-testid="message-value"]');
    await value.waitFor({ timeout: 15_000 });
    const pretty = await value.innerText();
    if (pretty !== JSON.stringify(JSON.parse(KCAT_VALUE), null, 2))
      throw new Error(`The detail pane shows ${JSON.stringify(pretty)}, not the pretty-printed JSON.`);
    await webview.locator('[data-testid="message-detail"]', { hasText: 'origin' }).waitFor();

    // A live tail: a message produced now appears without asking.
    const producer = await client.producer();
    await producer.send(TOPIC, [{ key: 'live', value: '{"city":"Rome","temp_c":38}' }]);
    await producer.close();
    await waitUntil('the live message to appear', async () => (await table.getAttribute('data-row-count')) === '3', 20_000);

    // Start positions: offset 1 on every partition leaves only the second message of the partition
    // the keys "paris" and "live" hash to; a time in the future leaves nothing yet (an empty state).
    const status = webview.locator('[data-testid="browse-status"]');
    await webview.locator('[data-testid="start-kind"]').selectOption('offset');
    await webview.getByLabel('Start offset').fill('1');
    await webview.locator('[data-testid="apply"]').click();
    await waitUntil(
      '1 message from offset 1',
      async () => (await table.getAttribute('data-row-count')) === '1',
      20_000,
      () => status.innerText(),
    );
    if (!(await rows.first().innerText()).includes('live'))
      throw new Error(`From offset 1 the browser shows ${await rows.first().innerText()}`);
    await webview.locator('[data-testid="start-kind"]').selectOption('timestamp');
    const inAnHour = new Date(Date.now() + 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await webview.getByLabel('Start time').fill(inAnHour);
    await webview.locator('[data-testid="apply"]').click();
    await webview
      .locator('[data-testid="empty-state"]', { hasText: 'No messages from this start position yet' })
      .waitFor({ timeout: 20_000 });
    await shoot('kafka-browser-empty-dark.png');
    await webview.locator('[data-testid="start-kind"]').selectOption('earliest');

    // A JSON-path filter runs on the host over the whole topic.
    await webview.locator('[data-testid="json-path-filter"]').fill('$.temp_c > 30');
    await webview.locator('[data-testid="apply"]').click();
    await waitUntil(
      '2 messages with temp_c > 30',
      async () => (await table.getAttribute('data-row-count')) === '2',
      20_000,
      async () => webview.locator('[data-testid="browse-status"]').innerText(),
    );
    const hot = await webview.locator('.row.message').allInnerTexts();
    if (hot.some((text) => text.includes('oslo'))) throw new Error(`The JSON-path filter let Oslo through: ${JSON.stringify(hot)}`);
    await webview.locator('.row.message', { hasText: 'paris' }).click();
    await value.filter({ hasText: '"note": "<b>not bold</b>"' }).waitFor({ timeout: 15_000 });
    await shoot('kafka-browser-dark.png');

    await setTheme(page, THEMES.light, webview);
    await shoot('kafka-browser-light.png');
    await runCommandFromPalette(page, 'View: Close Editor');
    await shoot('kafka-tree-light.png');

    // 8. Resetting the group is refused while a member is connected, then done to earliest.
    member = client.groupConsumer({ groupId: GROUP, topics: [TOPIC], sessionTimeoutMs: 10_000 });
    await member.start(async () => undefined);
    await runCommandFromPalette(page, 'Dagstream: Reset Consumer Group Offsets');
    await pickQuickItem(page, GROUP);
    await expectNotification(page, `Group "${GROUP}" is active: Stable, 1 member(s) on ${CLUSTER}`, () =>
      shoot('kafka-reset-refused-light.png'),
    );
    await member.close();
    member = undefined;
    await runCommandFromPalette(page, 'Dagstream: Reset Consumer Group Offsets');
    await pickQuickItem(page, GROUP);
    await pickQuickItem(page, 'Earliest');
    await expectNotification(page, `Reset consumer group ${GROUP} on ${TOPIC} (${CLUSTER})`);
    const lag = await (await client.admin()).describeGroup(GROUP);
    if (lag.totalLag !== 3) throw new Error(`After the reset to earliest the group's lag is ${lag.totalLag}, expected 3 (every message).`);
    await waitUntil(
      'the group to show lag 3',
      async () => /lag 3/.test(await treeRow(view, GROUP).innerText()),
      15_000,
      () => treeRow(view, GROUP).innerText(),
    );
    await shoot('kafka-reset-light.png');
    await setTheme(page, THEMES.dark);

    // 9. 100,000 messages in the browser: all loaded, only a screenful of rows in the DOM, and how
    // smooth scrolling through them is (frame times reported, not asserted: the machine is shared).
    await produceMany(client, BIG_TOPIC, BIG_COUNT);
    await clickViewAction(page, 'Refresh Kafka');
    await runCommandFromPalette(page, 'Dagstream: Browse Kafka Messages');
    await pickQuickItem(page, BIG_TOPIC);
    const loadStarted = Date.now();
    const bigTable = activeWebview(page).locator('[data-testid="message-table"]');
    await bigTable.waitFor({ timeout: 30_000 });
    // The browser remembers the last filters per panel only; a new topic starts unfiltered.
    await waitUntil(
      `${BIG_COUNT} messages loaded`,
      async () => (await bigTable.getAttribute('data-row-count')) === String(BIG_COUNT),
      120_000,
      async () => `${await bigTable.getAttribute('data-row-count')} rows`,
    );
    const loadMs = Date.now() - loadStarted;
    const frame = await webviewFrameWith(page, '[data-testid="message-table"]');
    // tsx compiles this file with esbuild's keepNames, whose __name helper does not exist in the page.
    await frame.evaluate('globalThis.__name ??= (fn) => fn');
    const measures: Record<string, ScrollMeasure> = {};
    for (const mode of ['idle', 'wheel', 'jump'] as const) measures[mode] = await frame.evaluate(measureScrolling, mode);
    console.log(`[vscode] kafka: ${BIG_COUNT} messages loaded into the browser in ${loadMs} ms`);
    for (const [mode, m] of Object.entries(measures)) {
      console.log(
        `[vscode] kafka: ${mode}: ${m.frames} frames, frame time p50 ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms, max ${m.max.toFixed(1)} ms; at most ${m.maxRowsInDom} rows in the DOM`,
      );
    }
    const maxRows = Math.max(...Object.values(measures).map((m) => m.maxRowsInDom));
    if (maxRows > 200) throw new Error(`${maxRows} rows were in the DOM at once: the table is not virtualised.`);
    // The end of the table is reachable: the last row renders.
    await bigTable.press('End');
    await activeWebview(page)
      .locator(`.row.message[aria-rowindex="${BIG_COUNT + 1}"]`)
      .waitFor({ timeout: 10_000 });
    // The first row's full message left the host's cache long ago: the detail pane reads it again from the broker.
    await bigTable.press('Home');
    await activeWebview(page).locator('[data-testid="message-value"]', { hasText: '"seq":' }).waitFor({ timeout: 20_000 });
    await shoot('kafka-browser-100k-dark.png');
    await runCommandFromPalette(page, 'View: Close Editor');

    // 10. Describe a topic (partitions and configs as a document), delete another through the modal.
    await runCommandFromPalette(page, 'Dagstream: Describe Kafka Topic');
    await pickQuickItem(page, TOPIC);
    const editorText = page.locator('.monaco-editor .view-lines').first();
    await waitUntil(
      'the description to list retention.ms=86400000 set on the topic',
      async () =>
        /retention\.ms\s*\|\s*86400000\s*\|\s*set on topic/.test(
          ((await editorText.innerText().catch(() => '')) ?? '').replace(/\u00a0/g, ' '),
        ),
      15_000,
      async () => (await editorText.innerText().catch(() => '')).slice(0, 300),
    );
    await shoot('kafka-describe-dark.png');
    // A read-only document: it closes without asking to be saved.
    await runCommandFromPalette(page, 'View: Close Editor');
    await waitUntil('the description to close', async () => (await page.locator('.tabs-container .tab').count()) === 0, 10_000);
    await runCommandFromPalette(page, 'Dagstream: Delete Kafka Topic');
    await pickQuickItem(page, BIG_TOPIC);
    await page
      .locator('.monaco-dialog-box', { hasText: `Delete topic "${BIG_TOPIC}" from cluster "${CLUSTER}"?` })
      .waitFor({ timeout: 10_000 });
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Delete Topic' }).click();
    await expectNotification(page, `Deleted topic ${BIG_TOPIC} from ${CLUSTER}`);
    await waitUntil('the deleted topic to leave the tree', async () => (await treeRow(view, BIG_TOPIC).count()) === 0, 15_000);
    const left = (await (await client.admin()).listTopics()).map((t) => t.name);
    if (left.includes(BIG_TOPIC)) throw new Error(`The broker still has ${BIG_TOPIC}: ${JSON.stringify(left)}`);

    // 11. A SASL cluster: the password box hides what is typed, and editing the cluster later
    // offers to keep the stored password, which it can only know from VS Code's secret storage.
    await runCommandFromPalette(page, 'Dagstream: Add Kafka Cluster');
    await answerInputBox(page, 'Name of the cluster', 'secured');
    await answerInputBox(page, 'Bootstrap servers', OFFLINE_BROKER);
    await answerInputBox(page, 'Client id', 'dagstream');
    await pickQuickItem(page, 'No TLS');
    await pickQuickItem(page, 'SASL SCRAM-SHA-256');
    await answerInputBox(page, 'user name', 'etl');
    await page.locator('.quick-input-widget', { hasText: 'SASL password for etl' }).waitFor({ timeout: 10_000 });
    const passwordType = await page.locator('.quick-input-box input').getAttribute('type');
    if (passwordType !== 'password') throw new Error(`The SASL password box is of type ${passwordType}, not password.`);
    await answerInputBox(page, 'SASL password for etl', 'pw-ui-test');
    await expectNotification(page, 'Kafka cluster "secured" saved, but connecting failed');
    await runCommandFromPalette(page, 'Dagstream: Edit Kafka Cluster');
    await pickQuickItem(page, 'secured');
    await answerInputBox(page, 'Name of the cluster', 'secured');
    await answerInputBox(page, 'Bootstrap servers', OFFLINE_BROKER);
    await answerInputBox(page, 'Client id', 'dagstream');
    await pickQuickItem(page, 'No TLS');
    await pickQuickItem(page, 'SASL SCRAM-SHA-256');
    await answerInputBox(page, 'user name', 'etl');
    await page.locator('.quick-input-widget', { hasText: 'leave empty to keep the stored one' }).waitFor({ timeout: 10_000 });
    await shoot('kafka-edit-keeps-password-dark.png');
    await page.keyboard.press('Escape');
    await runCommandFromPalette(page, 'Dagstream: Remove Kafka Cluster');
    await pickQuickItem(page, 'secured');
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Remove Cluster' }).click();
    await waitUntil('the secured cluster to leave the tree', async () => (await treeRow(view, 'secured').count()) === 0, 10_000);

    await page.waitForTimeout(300);
    if (cspViolations.length > 0) throw new Error(`The webview violated its Content-Security-Policy:\n  ${cspViolations.join('\n  ')}`);
    if (dialogs.length > 0) throw new Error(`A script dialog opened: ${JSON.stringify(dialogs)}`);
    return { name, passed: true, durationMs: Date.now() - started, screenshot: screenshots.join(', ') };
  } catch (error) {
    const screenshot = join(options.resultsDir, 'failure-kafka.png');
    await page.screenshot({ path: screenshot }).catch(() => undefined);
    const message = stripVTControlCharacters(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { name, passed: false, durationMs: Date.now() - started, error: message, screenshot };
  } finally {
    await member?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await page.close().catch(() => undefined);
    if (pid !== undefined) await stopKafkaBroker(pid);
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Writes `count` small JSON events (about 120 bytes) over 3 partitions through the core's producer. */
async function produceMany(client: KafkaClient, topic: string, count: number): Promise<void> {
  await (await client.admin()).createTopic({ name: topic, partitions: 3 });
  const producer = await client.producer();
  try {
    for (let start = 0; start < count; start += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, count - start) }, (_, i) => ({
        key: `station-${(start + i) % 50}`,
        value: JSON.stringify({ seq: start + i, city: 'Paris', temp_c: 20 + ((start + i) % 15), at: '2026-11-25T12:00:00Z' }),
      }));
      await producer.send(topic, batch);
    }
  } finally {
    await producer.close();
  }
}

/** The webview frame that holds `selector` (the workbench nests each webview two frames deep). */
async function webviewFrameWith(page: Page, selector: string): Promise<Frame> {
  for (const frame of page.frames()) {
    if (await frame.$(selector).catch(() => null)) return frame;
  }
  throw new Error(`No frame holds ${selector}.`);
}

interface ScrollMeasure {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  maxRowsInDom: number;
}

/**
 * Runs in the webview: 150 animation frames in each of three modes, recording each frame's
 * duration and how many rows the DOM held: `idle` (no scrolling: the machine's baseline),
 * `wheel` (66 px a frame, as a mouse wheel or a trackpad scrolls) and `jump` (from the top to the
 * bottom of 100,000 rows in 150 frames, as dragging the scrollbar does: every frame all-new rows).
 */
function measureScrolling(mode: 'idle' | 'wheel' | 'jump'): Promise<ScrollMeasure> {
  // Runs in the browser; this file compiles without the DOM library, so the little it uses is typed here.
  interface ScrollBox {
    scrollTop: number;
    readonly scrollHeight: number;
    readonly clientHeight: number;
    querySelectorAll(selector: string): { readonly length: number };
  }
  const browser = globalThis as unknown as {
    document: { querySelector(selector: string): ScrollBox | null };
    requestAnimationFrame(callback: (now: number) => void): number;
  };
  const requestAnimationFrame = browser.requestAnimationFrame.bind(globalThis);
  const body = browser.document.querySelector('[data-testid="message-table"]')!;
  const steps = 150;
  const durations: number[] = [];
  let maxRowsInDom = 0;
  body.scrollTop = mode === 'wheel' ? (body.scrollHeight - body.clientHeight) / 2 : 0;
  const origin = body.scrollTop;
  return new Promise((resolve) => {
    let step = 0;
    let last = 0;
    const tick = (now: number): void => {
      if (step > 1) durations.push(now - last);
      last = now;
      maxRowsInDom = Math.max(maxRowsInDom, body.querySelectorAll('.row.message').length);
      if (step === steps + 1) {
        const sorted = [...durations].sort((x, y) => x - y);
        const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
        resolve({ frames: durations.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]!, maxRowsInDom });
        return;
      }
      step++;
      if (mode === 'wheel') body.scrollTop = origin + step * 66;
      else if (mode === 'jump') body.scrollTop = ((body.scrollHeight - body.clientHeight) * step) / steps;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Drags the side bar's edge so that the tree's descriptions (offsets, lag) are readable in the screenshots. */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** Opens the Dagstream container and returns its Kafka pane. */
async function showKafkaView(page: Page): Promise<Locator> {
  await runCommandFromPalette(page, 'Dagstream: Focus on Kafka View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Kafka' }) });
  await pane.locator('.monaco-list').waitFor({ timeout: 15_000 });
  return pane;
}

function treeRow(view: Locator, text: string): Locator {
  return view.locator('.monaco-list-row', { hasText: text }).first();
}

async function expand(row: Locator): Promise<void> {
  await row.waitFor({ timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

async function clickViewAction(page: Page, title: string): Promise<void> {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Kafka' }) });
  await pane.locator('.pane-header').hover();
  await pane.locator(`.pane-header .action-label[aria-label^="${title}"]`).click();
}

/** Waits for a notification toast with `text`, then clears it so the next one is alone. */
async function expectNotification(page: Page, text: string, whileShown?: () => Promise<void>): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text });
  try {
    await toast.first().waitFor({ timeout: 30_000 });
  } catch {
    const shown = await page
      .locator('.notifications-toasts .notification-toast')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(`No notification saying "${text}" appeared; shown: ${JSON.stringify(shown)}`);
  }
  await page.waitForTimeout(300);
  await whileShown?.();
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
}
