import { afterEach, describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../core/kafka/KafkaClient';
import type { KafkaClientFactory } from '../../core/kafka/openKafkaClient';
import { loadedServices, loadExtensionServices, whenServicesLoad } from './loadExtensionServices';

describe('loadExtensionServices', () => {
  let restore: KafkaClientFactory | undefined;
  afterEach(() => {
    if (restore) loadedServices()?.setKafkaClientFactory(restore);
    restore = undefined;
  });

  it('runs set-up registered before the load when the services load, before anyone uses them', async () => {
    expect(loadedServices()).toBeUndefined();
    const client = { profileName: 'from-the-view' } as unknown as KafkaClient;
    const cancelled: string[] = [];
    const cancel = whenServicesLoad(() => cancelled.push('ran'));
    cancel.dispose();
    whenServicesLoad((services) => {
      restore = services.setKafkaClientFactory(() => Promise.resolve(client));
    });
    const services = await loadExtensionServices();
    expect(loadedServices()).toBe(services);
    expect(await loadExtensionServices()).toBe(services);
    expect(cancelled).toEqual([]);
    // The engine's Kafka operators ask the core's factory: it is the one installed above.
    const { openKafkaClient } = await import('../../core/kafka/openKafkaClient');
    expect(await openKafkaClient('anything')).toBe(client);
  });

  it('runs set-up registered after the load at once', async () => {
    const services = await loadExtensionServices();
    let seen: unknown;
    whenServicesLoad((s) => (seen = s));
    expect(seen).toBe(services);
  });
});
