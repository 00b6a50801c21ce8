import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { assertPrerequisites, JAVA_17, MAVEN } from '../checkPrerequisites';

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one JVM) for the
 * integration tests and for local use. The broker runs detached in its own process group, so it
 * outlives the script that started it; whoever starts one stops it by PID with stopKafkaBroker.
 */
export interface RunningBroker {
  /** `127.0.0.1:<port>`, the PLAINTEXT listener clients bootstrap from. */
  readonly bootstrap: string;
  readonly pid: number;
  /** Holds server.properties, the broker's data (`data/`) and, by default, its log. */
  readonly dataDir: string;
  readonly controllerPort: number;
  /** The JVM's stdout and stderr. */
  readonly logFile: string;
}

export interface StartKafkaBrokerOptions {
  /**
   * Reused when given: a formatted data dir keeps its topics, and the ports of its last start are
   * tried first so that a restarted dev broker keeps its address. A fresh temp dir otherwise.
   */
  readonly dataDir?: string;
  /** Defaults to `<dataDir>/broker.log`. Truncated on every start. */
  readonly logFile?: string;
  /** How long to wait for the broker to answer. Defaults to 90 s. */
  readonly readyTimeoutMs?: number;
}

export interface BrokerPorts {
  readonly brokerPort: number;
  readonly controllerPort: number;
}

const KAFKA_SCRIPTS_DIR = __dirname;
export const KAFKA_POM_PATH = join(KAFKA_SCRIPTS_DIR, 'pom.xml');
export const KAFKA_LOG4J_CONFIG_PATH = join(KAFKA_SCRIPTS_DIR, 'log4j2.xml');

/** Logged at INFO by kafka.server.KafkaRaftServer once the broker serves requests. */
export const BROKER_STARTED_LINE = 'Kafka Server started';

/** Inside the libs folder; its content is the fingerprint of the pom that filled the folder. */
const CACHE_COMPLETE_MARKER = '.dagstream-complete';
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const DEFAULT_STOP_GRACE_MS = 20_000;
const JVM_HEAP = '-Xmx512m';
/** Port races with other processes are possible between probing a port and the JVM binding it. */
const MAX_START_ATTEMPTS = 3;

/** The broker version pinned in scripts/kafka/pom.xml, the single place it is set. */
export function readKafkaVersion(pomText: string): string {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomText);
  if (!match?.[1]) {
    throw new Error(`Reading the Kafka version from ${KAFKA_POM_PATH}: no <kafka.version> property found; restore it.`);
  }
  return match[1];
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/dagstream/kafka`; a relative XDG_CACHE_HOME is ignored, as the XDG spec says. */
export function kafkaCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const cacheHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.cache');
  return join(cacheHome, 'dagstream', 'kafka');
}

/**
 * Resolves the broker's runtime classpath from Maven Central into the user cache and returns the
 * folder of jars (use it as `<libs>/*`). Maven only runs when the cache is missing, half-copied
 * or was filled from a different pom.
 */
export async function ensureKafkaJars(): Promise<string> {
  const pomText = await readFile(KAFKA_POM_PATH, 'utf8');
  const version = readKafkaVersion(pomText);
  const fingerprint = createHash('sha256').update(pomText).digest('hex');
  const versionDir = join(kafkaCacheRoot(), version);
  const libsDir = join(versionDir, 'libs');
  if (await isCompleteCache(libsDir, fingerprint)) return libsDir;

  assertPrerequisites('download the Kafka broker jars', [MAVEN]);
  await mkdir(versionDir, { recursive: true });
  // Copy into a private folder and rename it into place, so that a run killed mid-copy or a
  // second run racing this one never sees a partial classpath.
  const stagingDir = await mkdtemp(join(versionDir, 'libs-staging-'));
  try {
    await runMaven(stagingDir);
    const brokerJar = join(stagingDir, `kafka_2.13-${version}.jar`);
    if (!existsSync(brokerJar)) {
      throw new Error(`Resolving the Kafka ${version} classpath: Maven succeeded but ${brokerJar} is missing; check ${KAFKA_POM_PATH}.`);
    }
    await writeFile(join(stagingDir, CACHE_COMPLETE_MARKER), fingerprint);
    if (await isCompleteCache(libsDir, fingerprint)) return libsDir; // another run won the race
    await rm(libsDir, { recursive: true, force: true });
    await rename(stagingDir, libsDir);
    return libsDir;
  } catch (error) {
    if (await isCompleteCache(libsDir, fingerprint)) return libsDir;
    throw error;
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

async function isCompleteCache(libsDir: string, fingerprint: string): Promise<boolean> {
  try {
    return (await readFile(join(libsDir, CACHE_COMPLETE_MARKER), 'utf8')) === fingerprint;
  } catch {
    return false;
  }
}

async function runMaven(outputDir: string): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    KAFKA_POM_PATH,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  const { code, output } = await runCollectingOutput('mvn', args, KAFKA_SCRIPTS_DIR);
  if (code !== 0) {
    throw new Error(
      [
        `Resolving the Kafka broker jars with \`mvn ${args.join(' ')}\` failed (exit code ${code}).`,
        'Check that Maven Central (https://repo.maven.apache.org) or the mirror in ~/.m2/settings.xml is reachable, then retry.',
        'Maven said:',
        lastLines(output, 40),
      ].join('\n'),
    );
  }
}

function runCollectingOutput(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => reject(new Error(`Running ${command}: ${error.message}`)));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (22 chars), never starting with `-`. */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  // StorageTool's argument parser would read a leading '-' as an option.
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function renderServerProperties(ports: BrokerPorts, logDir: string): string {
  const { brokerPort, controllerPort } = ports;
  return [
    '# Written by scripts/kafka/kafkaBroker.ts for a single-node dev/test broker; rewritten on every start.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${logDir}`,
    // With the default of 3, consumer groups never work on a single node.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    // Tests join fresh groups all the time; the default 3 s delay would only slow them down.
    'group.initial.rebalance.delay.ms=0',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    '',
  ].join('\n');
}

/** The ports of a server.properties written by renderServerProperties, if it is one. */
export function parseServerPropertiesPorts(text: string): BrokerPorts | undefined {
  const broker = /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+),CONTROLLER:\/\/127\.0\.0\.1:(\d+)\s*$/m.exec(text);
  if (!broker?.[1] || !broker[2]) return undefined;
  return { brokerPort: Number(broker[1]), controllerPort: Number(broker[2]) };
}

/** Ports the OS calls free right now on 127.0.0.1; all held open together so that they differ. */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await closeServer(await listen(port));
    return true;
  } catch {
    return false;
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts a broker and resolves once it has logged that it started and answers a metadata
 * request. Rejects at once, with the tail of its log, if the JVM exits first.
 */
export async function startKafkaBroker(options: StartKafkaBrokerOptions = {}): Promise<RunningBroker> {
  assertPrerequisites('start a Kafka broker', [JAVA_17, MAVEN]);
  const libsDir = await ensureKafkaJars();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'dagstream-kafka-')));
  await mkdir(dataDir, { recursive: true });
  const logDir = join(dataDir, 'data');
  const propertiesPath = join(dataDir, 'server.properties');
  const logFile = options.logFile ?? join(dataDir, 'broker.log');

  let ports = await choosePorts(propertiesPath);
  for (let attempt = 1; ; attempt++) {
    await writeFile(propertiesPath, renderServerProperties(ports, logDir));
    // Formatting twice would fail; a formatted dir keeps its cluster id and topics.
    if (!existsSync(join(logDir, 'meta.properties'))) await formatStorage(libsDir, propertiesPath, dataDir);
    try {
      const pid = await launchAndAwaitReady(libsDir, propertiesPath, dataDir, logFile, ports, options.readyTimeoutMs);
      return { bootstrap: `127.0.0.1:${ports.brokerPort}`, pid, dataDir, controllerPort: ports.controllerPort, logFile };
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= MAX_START_ATTEMPTS) throw error;
      const [brokerPort = 0, controllerPort = 0] = await findFreePorts(2);
      ports = { brokerPort, controllerPort };
    }
  }
}

async function choosePorts(propertiesPath: string): Promise<BrokerPorts> {
  const previous = existsSync(propertiesPath) ? parseServerPropertiesPorts(await readFile(propertiesPath, 'utf8')) : undefined;
  if (previous && (await isPortFree(previous.brokerPort)) && (await isPortFree(previous.controllerPort))) {
    return previous;
  }
  const [brokerPort = 0, controllerPort = 0] = await findFreePorts(2);
  return { brokerPort, controllerPort };
}

function javaArgs(libsDir: string, mainClass: string, ...mainArgs: string[]): string[] {
  return [
    JVM_HEAP,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG_PATH}`,
    '-cp',
    `${join(libsDir, '*')}`,
    mainClass,
    ...mainArgs,
  ];
}

async function formatStorage(libsDir: string, propertiesPath: string, cwd: string): Promise<void> {
  const clusterId = newClusterId();
  const args = javaArgs(libsDir, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesPath);
  const { code, output } = await runCollectingOutput('java', args, cwd);
  if (code !== 0) {
    throw new Error(
      [
        `Formatting Kafka storage with \`java ... kafka.tools.StorageTool format -t ${clusterId} -c ${propertiesPath}\` failed (exit code ${code}).`,
        `If ${cwd} holds data from another Kafka version, delete it and retry. StorageTool said:`,
        lastLines(output, 40),
      ].join('\n'),
    );
  }
}

class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

async function launchAndAwaitReady(
  libsDir: string,
  propertiesPath: string,
  cwd: string,
  logFile: string,
  ports: BrokerPorts,
  readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS,
): Promise<number> {
  const logFd = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    // detached: its own session and process group, so a Ctrl-C in the terminal that ran
    // `npm run kafka:start` does not reach it, and it survives that script's exit.
    child = spawn('java', javaArgs(libsDir, 'kafka.Kafka', propertiesPath), {
      cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.once('error', (error) => (exit = `could not be started: ${error.message}`));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    await delay(0); // let the 'error' event say why
    throw new Error(`Starting the Kafka broker (java kafka.Kafka ${propertiesPath}): the JVM ${exit ?? 'did not start'}.`);
  }

  const bootstrap = `127.0.0.1:${ports.brokerPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit !== undefined) {
      const tail = readLogTail(logFile);
      const message = `Starting the Kafka broker on ${bootstrap}: the JVM (pid ${pid}) ${exit} before it was ready. Last lines of ${logFile}:\n${tail}`;
      if (/Address already in use|BindException/.test(readFileSafe(logFile))) throw new PortTakenError(message);
      throw new Error(message);
    }
    if (readFileSafe(logFile).includes(BROKER_STARTED_LINE) && (await answersMetadata(bootstrap))) return pid;
    if (Date.now() > deadline) {
      await stopKafkaBroker(pid, 5_000);
      throw new Error(
        `Starting the Kafka broker on ${bootstrap}: not ready after ${readyTimeoutMs / 1000} s, so it was stopped. ` +
          `Look for errors in the last lines of ${logFile}:\n${readLogTail(logFile)}`,
      );
    }
    await delay(200);
  }
}

/** True when the broker at `bootstrap` answers a DescribeCluster request. */
export async function answersMetadata(bootstrap: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'dagstream-kafka-readiness',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Stops one process by PID: SIGTERM (Kafka shuts down cleanly on it), SIGKILL once `graceMs`
 * has passed, and resolves when the process is gone. A PID that is already gone is not an error.
 */
export async function stopKafkaBroker(pid: number, graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
  if (!sendSignal(pid, 'SIGTERM')) return;
  if (await waitForExit(pid, graceMs)) return;
  if (!sendSignal(pid, 'SIGKILL')) return;
  if (await waitForExit(pid, 10_000)) return;
  throw new Error(
    `Stopping the Kafka broker: process ${pid} is still alive after SIGKILL; look at it with \`ps -p ${pid} -o pid,stat,cmd\`.`,
  );
}

/** False when the process was already gone. */
function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ESRCH') return false;
    throw new Error(`Sending ${signal} to process ${pid}: ${String(error)}`, { cause: error });
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

/** A zombie counts as gone: it runs nothing and its parent will reap it. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(error) && error.code === 'EPERM';
  }
  const stat = readFileSafe(`/proc/${pid}/stat`);
  // Format: "pid (comm) S ..."; comm may itself contain spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z';
}

/**
 * True when `pid` is alive and runs kafka.Kafka. Guards PIDs read from a state file: after a
 * reboot the same number may belong to an unrelated process, which must never be signalled.
 */
export function isKafkaBrokerProcess(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  if (!existsSync('/proc')) return true; // no procfs to ask; trust the state file
  const argv = readFileSafe(`/proc/${pid}/cmdline`).split('\0');
  return argv.includes('kafka.Kafka');
}

export function readLogTail(logFile: string, lines = 40): string {
  return lastLines(readFileSafe(logFile), lines) || '(the log is empty)';
}

function lastLines(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
