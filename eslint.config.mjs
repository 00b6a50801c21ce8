// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layering in DESIGN.md, enforced: the core, the protocol and the CLI never import `vscode`;
 * the core never reaches into the extension or the CLI; the protocol depends on nothing; the
 * webview imports nothing from src/ but src/protocol. Each file group below gets exactly one
 * `no-restricted-imports` entry, because a later entry for the same file replaces, not merges.
 */
const NO_VSCODE = { name: 'vscode', message: 'Only src/extension may import the VS Code API; keep this layer plain Node.' };
const NO_KAFKAJS = {
  name: 'kafkajs',
  message: 'Only src/core/kafka/kafkajsClient.ts imports kafkajs; use the core Kafka interface (src/core/kafka/KafkaClient.ts).',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.scratch/**',
      '.cache/**',
      '.vscode-test/**',
      'test-results/**',
      'bench-results/**',
      '.dagstream-dev/**',
      'examples/**/.dagstream/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No barrel files: import from the file that defines the export.' },
      ],
    },
  },
  {
    files: ['src/core/**'],
    ignores: ['src/core/kafka/kafkajsClient.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE, NO_KAFKAJS],
          patterns: [{ regex: '^(\\.\\./)+(extension|cli)(/|$)', message: 'The core must not depend on the extension or the CLI.' }],
        },
      ],
    },
  },
  {
    files: ['src/protocol/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [
            {
              regex: '^(\\.\\./)+(core|extension|cli)(/|$)',
              message: 'The protocol holds plain DTOs and messages and depends on nothing.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE, NO_KAFKAJS],
          patterns: [
            { regex: '^(\\.\\./)+extension(/|$)', message: 'The CLI runs without VS Code; use the core instead of the extension.' },
          ],
        },
      ],
    },
  },
  {
    // The one adapter that wraps kafkajs behind the core's own interface.
    files: ['src/core/kafka/kafkajsClient.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE] }] },
  },
  {
    files: ['src/extension/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_KAFKAJS] }] },
  },
  {
    files: ['webview/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [
            { regex: '^(\\.\\./)+src/(?!protocol/)', message: 'A webview imports nothing from src/ but src/protocol.' },
            { regex: '^node:', message: 'Webviews run in a browser sandbox, not Node.' },
          ],
        },
      ],
    },
  },
);
