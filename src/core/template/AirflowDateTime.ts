/**
 * A date-time as Airflow's templates see `logical_date`, `data_interval_start` and friends (a
 * pendulum DateTime in UTC): printed as Python prints it (`2026-11-25 13:49:07.375000+00:00`,
 * pendulum 3's `str()`), with `strftime`, `isoformat` and the usual fields, and serialised to
 * ISO-8601 by `tojson`.
 */
export class AirflowDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;

  constructor(readonly date: Date) {
    this.year = date.getUTCFullYear();
    this.month = date.getUTCMonth() + 1;
    this.day = date.getUTCDate();
    this.hour = date.getUTCHours();
    this.minute = date.getUTCMinutes();
    this.second = date.getUTCSeconds();
    this.microsecond = date.getUTCMilliseconds() * 1000;
  }

  /** Parses an ISO timestamp; returns the text unchanged when it is not one. */
  static from(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : new AirflowDateTime(date);
  }

  /** Python's `datetime.isoformat()`: `2026-11-25T13:49:07.375000+00:00`, microseconds only when set. */
  isoformat(separator = 'T'): string {
    const fraction = this.microsecond === 0 ? '' : `.${pad(this.microsecond, 6)}`;
    return `${this.strftime('%Y-%m-%d')}${separator}${this.strftime('%H:%M:%S')}${fraction}+00:00`;
  }

  toString(): string {
    return this.isoformat(' ');
  }

  toJSON(): string {
    return this.isoformat();
  }

  /** Python's `strftime` for the directives DAG authors use. */
  strftime(format: string): string {
    const d = this.date;
    const replacements: Record<string, () => string> = {
      Y: () => String(this.year).padStart(4, '0'),
      y: () => pad(this.year % 100, 2),
      m: () => pad(this.month, 2),
      d: () => pad(this.day, 2),
      H: () => pad(this.hour, 2),
      I: () => pad(((this.hour + 11) % 12) + 1, 2),
      p: () => (this.hour < 12 ? 'AM' : 'PM'),
      M: () => pad(this.minute, 2),
      S: () => pad(this.second, 2),
      f: () => pad(this.microsecond, 6),
      j: () => pad(Math.floor((Date.UTC(this.year, this.month - 1, this.day) - Date.UTC(this.year, 0, 1)) / 86_400_000) + 1, 3),
      a: () => DAYS[d.getUTCDay()]!.slice(0, 3),
      A: () => DAYS[d.getUTCDay()]!,
      w: () => String(d.getUTCDay()),
      b: () => MONTHS[this.month - 1]!.slice(0, 3),
      B: () => MONTHS[this.month - 1]!,
      z: () => '+0000',
      Z: () => 'UTC',
      '%': () => '%',
    };
    return format.replace(/%(.)/g, (whole, directive: string) => replacements[directive]?.() ?? whole);
  }

  /** pendulum's `to_date_string()`. */
  to_date_string(): string {
    return this.strftime('%Y-%m-%d');
  }
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
