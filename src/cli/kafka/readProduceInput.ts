import type { OutgoingMessage } from '../../core/kafka/KafkaClient';

export interface ProduceInputOptions {
  /** `--value`: one message, its text as it is. */
  readonly value?: string;
  /** The text of `--file` (JSON Lines): one message per non-empty line. */
  readonly fileText?: string;
  /** For error messages: the file's name. */
  readonly fileName?: string;
  /** `--key`: every message's key. */
  readonly key?: string;
  /** `--key-field`: each line's key is this top-level field of its JSON object. */
  readonly keyField?: string;
  readonly headers: readonly [string, string][];
  readonly partition?: number;
}

/**
 * The messages `dagstream kafka produce` sends. A line of the file is sent as it is written
 * (the broker sees exactly that text); each must be JSON, so that a truncated or mistyped line
 * is caught before anything is sent, with its line number.
 */
export function readProduceInput(options: ProduceInputOptions): OutgoingMessage[] {
  const { value, fileText, key, keyField } = options;
  if ((value === undefined) === (fileText === undefined)) {
    throw new Error('Give the message with --value <text>, or a JSON Lines file with --file <path> (- for stdin), not both.');
  }
  if (key !== undefined && keyField !== undefined)
    throw new Error('Give either --key (one key for all) or --key-field (a key per line), not both.');
  if (keyField !== undefined && fileText === undefined)
    throw new Error('--key-field reads the key from each line of --file; with --value, use --key.');
  const headers = options.headers.map(([name, text]) => ({ key: name, value: text }));
  const base = {
    ...(headers.length > 0 ? { headers } : {}),
    ...(options.partition === undefined ? {} : { partition: options.partition }),
  };
  if (value !== undefined) return [{ ...base, key: key ?? null, value }];

  const messages: OutgoingMessage[] = [];
  const lines = fileText!.split(/\r?\n/);
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '') return;
    const where = `${options.fileName ?? 'input'}:${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${where}: not JSON (${(error as Error).message}); each line of a JSON Lines file is one JSON value. Nothing was sent.`,
        {
          cause: error,
        },
      );
    }
    let lineKey: string | null = key ?? null;
    if (keyField !== undefined) {
      const field =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[keyField] : undefined;
      if (field === undefined || field === null) throw new Error(`${where}: has no field "${keyField}" for --key-field. Nothing was sent.`);
      lineKey = typeof field === 'string' ? field : JSON.stringify(field);
    }
    messages.push({ ...base, key: lineKey, value: text });
  });
  if (messages.length === 0) throw new Error(`${options.fileName ?? 'The input'} has no messages (no non-empty lines). Nothing was sent.`);
  return messages;
}
