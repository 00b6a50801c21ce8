import { describe, expect, it } from 'vitest';
import { withoutModuleLoaders } from './SqliteWorkerTransport';

describe('withoutModuleLoaders', () => {
  it('drops preloads and loaders (both spellings) and keeps every other flag', () => {
    expect(
      withoutModuleLoaders([
        '--require',
        '/x/tsx/dist/preflight.cjs',
        '--import',
        'file:///x/tsx/dist/loader.mjs',
        '--enable-source-maps',
        '-r',
        'ts-node/register',
        '--loader=esm-loader',
        '--experimental-loader',
        'other',
        '--max-old-space-size=4096',
      ]),
    ).toEqual(['--enable-source-maps', '--max-old-space-size=4096']);
  });
});
