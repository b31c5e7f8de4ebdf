/**
 * The venue's clock: a stored instant (ISO 8601, UTC, as the server writes `created_at`) as the
 * wall-clock time of the competition's IANA time zone, with the zone named. Every time a person
 * reads in a printed page or an export goes through {@link zonedTime}, so a dispute never turns
 * on whether "06:03" was UTC or local.
 *
 * Pure and browser-safe: only `Intl.DateTimeFormat` (Node 20 ships full ICU; every current
 * browser has the zone database), no `node:` import, no reading of the machine's own zone.
 */

/** An instant on the venue's clock. */
export interface ZonedTime {
  /** Wall-clock date and time in the zone, `YYYY-MM-DD HH:mm:ss` (24 h, seconds truncated). */
  wallClock: string;
  /** The wall-clock date alone, `YYYY-MM-DD`. */
  date: string;
  /** The wall-clock time alone, `HH:mm:ss`. */
  time: string;
  /** The zone and its offset from UTC at that instant: `Asia/Shanghai (UTC+08:00)`. */
  zoneLabel: string;
  /** The IANA name used (the asked one, or `UTC` when the asked one is unknown). */
  timeZone: string;
  /** Offset from UTC at that instant, in minutes east of Greenwich (`+480`, `+330`, `-300`). */
  offsetMinutes: number;
  /**
   * The wall clock's fields as a UTC epoch (ms): the instant whose UTC fields read the venue's
   * wall clock, milliseconds kept. `new Date(wallClockMs)` is what a zoneless spreadsheet
   * serial needs (exceljs turns a Date into a serial from its UTC fields). Not a real instant.
   */
  wallClockMs: number;
  /** `wallClock` and `zoneLabel` in one: `2024-10-26 14:03:07 Asia/Shanghai (UTC+08:00)`. */
  text: string;
}

const formats = new Map<string, Intl.DateTimeFormat | null>();

/** The formatter of a zone (memoised; a zone is asked for thousands of times per export), null when unknown. */
function formatOf(timeZone: string): Intl.DateTimeFormat | null {
  let f = formats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US-u-nu-latn', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        timeZoneName: 'longOffset',
      });
    } catch {
      f = null;
    }
    if (formats.size < 100) formats.set(timeZone, f);
  }
  return f;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * An instant as the wall clock of `timeZone` reads it, with the zone named.
 * @param instant an ISO 8601 instant with its offset or `Z` (`2024-10-26T06:03:07.412Z`), or a Date.
 * @param timeZone an IANA zone name (`Asia/Shanghai`, `Europe/Berlin`). An unknown name falls
 *   back to `UTC`, and the label then says `UTC`: the text stays true rather than the export failing.
 * @throws RangeError when `instant` is not a valid time.
 */
export function zonedTime(instant: string | Date, timeZone: string): ZonedTime {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  let zone = timeZone;
  let f = formatOf(zone);
  if (!f) f = formatOf((zone = 'UTC'))!;
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(d)) parts[p.type] = p.value;
  const [y, mo, da, h, mi, s] = (['year', 'month', 'day', 'hour', 'minute', 'second'] as const).map(
    (k) => Number(parts[k]),
  ) as [number, number, number, number, number, number];
  // `longOffset` reads "GMT+05:30", "GMT-03:00", "GMT" at zero, "GMT+08:05:43" for old local mean times.
  const m = /^GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(parts.timeZoneName ?? '');
  let offsetMinutes: number;
  let offsetText: string;
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    offsetMinutes = m[1] ? sign * (Number(m[2]) * 60 + Number(m[3])) : 0;
    offsetText = m[1] ? `${m[1]}${pad(Number(m[2]))}:${m[3]}${m[4] ? `:${m[4]}` : ''}` : '+00:00';
  } else {
    // An ICU without long offsets: the difference between the wall clock and UTC.
    offsetMinutes = Math.round(
      (Date.UTC(y, mo - 1, da, h, mi, s) - Math.floor(ms / 1000) * 1000) / 60_000,
    );
    const a = Math.abs(offsetMinutes);
    offsetText = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  const date = `${pad(y, 4)}-${pad(mo)}-${pad(da)}`;
  const time = `${pad(h)}:${pad(mi)}:${pad(s)}`;
  const wallClock = `${date} ${time}`;
  const zoneLabel = `${zone} (UTC${offsetText})`;
  const msPart = ((ms % 1000) + 1000) % 1000;
  return {
    wallClock,
    date,
    time,
    zoneLabel,
    timeZone: zone,
    offsetMinutes,
    wallClockMs: Date.UTC(y, mo - 1, da, h, mi, s, msPart),
    text: `${wallClock} ${zoneLabel}`,
  };
}
