import { COMMON_TASK_KEYS } from '../../core/dag/dagFile';
import { operatorArgumentSchema } from '../../core/dag/dagSchema';
import type { KeyPlacement } from './JsonTextEditor';

/**
 * Where new keys go, so that a file the canvas edits reads like one Dagstream writes (see
 * createNewDag.ts): identity first, then the operator's arguments, the links, the scheduling
 * knobs, and the canvas position last, where reviewers skip it.
 */
const TASK_HEAD: string[] = ['task_id', 'operator'];
// Arguments go between the head and the scheduling keys, which close a task in this order.
const TASK_TAIL: string[] = COMMON_TASK_KEYS.filter((key) => !TASK_HEAD.includes(key));
const DAG_ORDER = [
  '$schema',
  'version',
  'dag_id',
  'description',
  'schedule',
  'start_date',
  'end_date',
  'catchup',
  'max_active_runs',
  'max_active_tasks',
  'render_template_as_native_obj',
  'params',
  'default_args',
  'tags',
  'tasks',
];

/** Placement of a new key in a task with this operator. Unknown keys rank with the operator's arguments. */
export function taskKeyPlacement(operator: string): KeyPlacement {
  const args = Object.keys(operatorArgumentSchema(operator)?.properties ?? {});
  return placementBy([...TASK_HEAD, ...args], TASK_TAIL);
}

/** Placement of a new top-level key. Unknown keys go just before `tasks`, which stays last. */
export const dagKeyPlacement: KeyPlacement = placementBy(DAG_ORDER.slice(0, -1), ['tasks']);

/**
 * A placement from a known order: `head` keys in order, then unknown keys, then `tail` keys in
 * order. The new key goes after the last existing key that ranks at or before it, so keys the
 * user ordered differently stay where they are and the new one lands near its kin.
 */
function placementBy(head: readonly string[], tail: readonly string[]): KeyPlacement {
  const rank = (key: string): number => {
    const inHead = head.indexOf(key);
    if (inHead >= 0) return inHead;
    const inTail = tail.indexOf(key);
    return inTail >= 0 ? head.length + 1 + inTail : head.length;
  };
  return (keys, key) => {
    const wanted = rank(key);
    let index = 0;
    keys.forEach((existing, i) => {
      if (rank(existing) <= wanted) index = i + 1;
    });
    return index;
  };
}
