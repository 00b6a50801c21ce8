import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  findFreePorts,
  isKafkaBrokerProcess,
  isPortFree,
  isProcessAlive,
  kafkaCacheRoot,
  KAFKA_POM_PATH,
  newClusterId,
  parseServerPropertiesPorts,
  readKafkaVersion,
  renderServerProperties,
  stopKafkaBroker,
} from './kafkaBroker';

// What can be checked without Java or a broker; test/kafka runs the real thing.

describe('newClusterId', () => {
  it('is 16 bytes in base64url without padding', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('draws again when the id would start with "-", which StorageTool would take for an option', () => {
    // 0xF8 encodes to '-' as the first base64url character.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(draws).toHaveLength(0);
  });
});

describe('renderServerProperties', () => {
  const text = renderServerProperties({ brokerPort: 39092, controllerPort: 39093 }, '/tmp/kafka data');
  const properties = new Map(
    text
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );

  it('describes one KRaft node that is broker and controller, on 127.0.0.1 only', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:39093');
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:39092');
    expect(properties.get('log.dirs')).toBe('/tmp/kafka data');
  });

  it('sets every internal topic to one replica, or consumer groups and transactions never work', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('share.coordinator.state.topic.replication.factor')).toBe('1');
    expect(properties.get('share.coordinator.state.topic.min.isr')).toBe('1');
  });

  it('round-trips its ports, so a restarted dev broker can keep its address', () => {
    expect(parseServerPropertiesPorts(text)).toEqual({ brokerPort: 39092, controllerPort: 39093 });
    expect(parseServerPropertiesPorts('listeners=PLAINTEXT://0.0.0.0:9092')).toBeUndefined();
  });
});

describe('readKafkaVersion', () => {
  it('reads the version pinned in scripts/kafka/pom.xml', () => {
    expect(readKafkaVersion(readFileSync(KAFKA_POM_PATH, 'utf8'))).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('says which property is missing', () => {
    expect(() => readKafkaVersion('<project/>')).toThrow(/<kafka\.version>/);
  });
});

describe('kafkaCacheRoot', () => {
  it('follows XDG_CACHE_HOME, falling back to ~/.cache when it is unset or relative', () => {
    expect(kafkaCacheRoot({ XDG_CACHE_HOME: '/xdg', HOME: '/home/u' })).toBe('/xdg/dagstream/kafka');
    expect(kafkaCacheRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/dagstream/kafka');
    expect(kafkaCacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/dagstream/kafka');
  });
});

describe('findFreePorts', () => {
  it('returns distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await findFreePorts(2);
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
  });
});

describe('stopKafkaBroker', () => {
  function spawnNode(script: string): number {
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    if (child.pid === undefined) throw new Error('Spawning a node child process for the test failed.');
    return child.pid;
  }

  it('stops a process that honours SIGTERM', async () => {
    const pid = spawnNode('setInterval(() => {}, 1000)');
    expect(isProcessAlive(pid)).toBe(true);
    const started = Date.now();
    await stopKafkaBroker(pid, 10_000);
    expect(isProcessAlive(pid)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('escalates to SIGKILL when SIGTERM is ignored past the grace period', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await once(child.stdout, 'data'); // the handler is installed
    const pid = child.pid ?? -1;
    await stopKafkaBroker(pid, 300);
    expect(isProcessAlive(pid)).toBe(false);
    expect(child.signalCode ?? (await once(child, 'exit'))[1]).toBe('SIGKILL');
  });

  it('accepts a PID that is already gone', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    await expect(stopKafkaBroker(child.pid ?? -1, 100)).resolves.toBeUndefined();
  });
});

describe('isKafkaBrokerProcess', () => {
  it('does not mistake another live process for a broker', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isKafkaBrokerProcess(process.pid)).toBe(false);
  });
});
