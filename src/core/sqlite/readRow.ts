import type { Statement } from 'sql.js';
import type { SqlValue } from './sqliteTypes';

/** sql.js 1.16's `get` takes a config that @types/sql.js does not know yet. */
type GetWithConfig = (params: null, config: { useBigInt: boolean }) => (SqlValue | bigint)[];

/**
 * The current row of a stepped statement, with integers beyond ±2^53 as exact bigints. sql.js
 * reads integers as doubles, which rounds the big ones (tweet ids, nanosecond timestamps); only
 * rows that hold such a value are read a second time, with BigInt, so the others pay nothing.
 */
export function readRawRow(stmt: Statement): (SqlValue | bigint)[] {
  const row = stmt.get() as SqlValue[];
  for (const value of row) {
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      const exact = (stmt.get as unknown as GetWithConfig).call(stmt, null, { useBigInt: true });
      // Only INTEGER values come back as bigint (a REAL such as 1e300 stays a number); small ones go back to numbers.
      return exact.map((v) => (typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v));
    }
  }
  return row;
}

/** The current row as plain data: big integers become their exact decimal text. */
export function readRow(stmt: Statement): SqlValue[] {
  const row = readRawRow(stmt);
  return row.map((value) => (typeof value === 'bigint' ? value.toString() : value));
}
