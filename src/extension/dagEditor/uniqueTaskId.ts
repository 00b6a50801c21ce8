/** Airflow's rule for ids, which the schema enforces too: letters, digits, "_", "." and "-". */
const TASK_ID_PATTERN = /^[A-Za-z0-9_.-]+$/;
const MAX_TASK_ID_LENGTH = 250;

/**
 * A task id not in `taken`: `base` itself when free (unless `numbered`), otherwise `base_1`,
 * `base_2`... where a `base` that already ends in `_<n>` counts on from its stem (`bash_1` -> `bash_2`).
 */
export function uniqueTaskId(base: string, taken: ReadonlySet<string>, numbered = false): string {
  const cleaned = sanitizeTaskId(base);
  if (!numbered && !taken.has(cleaned)) return cleaned;
  const match = /^(.*?)_(\d+)$/.exec(cleaned);
  const stem = match ? match[1]! : cleaned;
  for (let n = match ? Number(match[2]) + 1 : 1; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The id stem of a new task of `operator`: `kafka.produce` -> `kafka_produce`. */
export function taskIdStemFor(operator: string): string {
  return sanitizeTaskId(operator.replace(/\./g, '_'));
}

/** Why `taskId` cannot name a task, or undefined when it can. */
export function describeInvalidTaskId(taskId: string): string | undefined {
  if (taskId.trim() === '') return 'A task id cannot be empty.';
  if (taskId.length > MAX_TASK_ID_LENGTH) return `A task id is at most ${MAX_TASK_ID_LENGTH} characters long.`;
  if (!TASK_ID_PATTERN.test(taskId))
    return `"${taskId}" is not a valid task id: use letters, digits, "_", "." and "-" only (no spaces), as Airflow ids do.`;
  return undefined;
}

function sanitizeTaskId(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, MAX_TASK_ID_LENGTH - 8);
  return cleaned === '' ? 'task' : cleaned;
}
