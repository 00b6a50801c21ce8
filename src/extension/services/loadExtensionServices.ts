import type * as ExtensionServicesModule from './extensionServices';

/** The heavy factories of ./extensionServices, once loaded. */
export type ExtensionServices = typeof ExtensionServicesModule;

let loading: Promise<ExtensionServices> | undefined;
let loaded: ExtensionServices | undefined;
const whenLoaded = new Set<(services: ExtensionServices) => void>();

/**
 * Loads the heavy part of the extension on first use. Activation must stay cheap (VS Code counts
 * loading the bundle and running activate()), so activate() only registers views, commands and
 * editors, and whatever needs the engine, Kafka or SQLite awaits this. esbuild bundles the
 * dynamic import lazily: the modules behind it are neither evaluated nor initialised until then.
 */
export function loadExtensionServices(): Promise<ExtensionServices> {
  loading ??= import('./extensionServices').then((services) => {
    loaded = services;
    for (const callback of whenLoaded) callback(services);
    return services;
  });
  return loading;
}

/**
 * Runs `callback` when the services load (at once if they already have): for set-up that the
 * services need before their first use, such as where the engine's Kafka operators get clients.
 * Disposing before the load cancels it.
 */
export function whenServicesLoad(callback: (services: ExtensionServices) => void): { dispose(): void } {
  if (loaded) callback(loaded);
  else whenLoaded.add(callback);
  return { dispose: () => whenLoaded.delete(callback) };
}

/** The services if something has loaded them already (never loads them). */
export function loadedServices(): ExtensionServices | undefined {
  return loaded;
}
