import { PriorityQueue } from '@datastructures-js/priority-queue';

/** A task instance whose dependencies are met, waiting for a slot. */
export interface ReadyItem {
  dagId: string;
  runId: string;
  taskId: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  /** Arrival order: among equal priorities, first come first served. */
  seq: number;
}

/** Answers whether a lane's head may start now. */
export interface SlotCheck {
  dagHasRoom(dagId: string): boolean;
  poolHasRoom(pool: string, slots: number): boolean;
}

/**
 * Scheduled task instances, one priority queue per (DAG, pool) "lane". Picking the next task
 * looks only at each lane's head, so a DAG at its `max_active_tasks` or a full pool costs O(1)
 * per lane instead of re-sorting thousands of blocked tasks on every slot that frees up.
 */
export class ReadyLanes {
  private readonly lanes = new Map<string, PriorityQueue<ReadyItem>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: ReadyItem): void {
    const key = `${item.dagId}\u0000${item.pool}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new PriorityQueue<ReadyItem>((a, b) => b.priorityWeight - a.priorityWeight || a.seq - b.seq);
      this.lanes.set(key, lane);
    }
    lane.enqueue(item);
    this.count++;
  }

  /**
   * Removes and returns the highest-priority item whose DAG and pool have room, or undefined
   * when every lane is empty or blocked. `isCurrent` drops stale items (cleared, cancelled).
   */
  takeNext(slots: SlotCheck, isCurrent: (item: ReadyItem) => boolean): ReadyItem | undefined {
    let best: { key: string; item: ReadyItem } | undefined;
    for (const [key, lane] of this.lanes) {
      let head = lane.front();
      while (head && !isCurrent(head)) {
        lane.dequeue();
        this.count--;
        head = lane.front();
      }
      if (!head) {
        this.lanes.delete(key);
        continue;
      }
      if (!slots.dagHasRoom(head.dagId) || !slots.poolHasRoom(head.pool, head.poolSlots)) continue;
      if (
        !best ||
        head.priorityWeight > best.item.priorityWeight ||
        (head.priorityWeight === best.item.priorityWeight && head.seq < best.item.seq)
      ) {
        best = { key, item: head };
      }
    }
    if (!best) return undefined;
    this.lanes.get(best.key)?.dequeue();
    this.count--;
    return best.item;
  }
}
