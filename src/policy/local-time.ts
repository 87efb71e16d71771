import { weekdays, type Weekday } from './policy-facts.ts';
import type { BusinessHours } from './policy.ts';

export interface LocalTime {
  weekday: Weekday;
  hour: number;
  /** Minutes after local midnight. */
  minutes: number;
  /** Local midnight as an instant. */
  midnight: Date;
}

/** The wall clock in `timeZone` (an IANA name) at `at`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const weekday = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  const hour = Number(parts.hour);
  const minutes = hour * 60 + Number(parts.minute);
  const seconds = minutes * 60 + Number(parts.second);
  return { weekday, hour, minutes, midnight: new Date(at.getTime() - seconds * 1000 - at.getMilliseconds()) };
}

/** True when `timeZone` is a name Intl knows; used to refuse a bad MENDER_TIME_ZONE at start. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function withinBusinessHours(time: LocalTime, hours: BusinessHours): boolean {
  return hours.days.includes(time.weekday) && time.minutes >= hours.start && time.minutes < hours.end;
}

/**
 * The next instant the business-hours window opens (now, when it is open). Walks whole local
 * days from today's midnight, so a daylight-saving change moves the result by at most its hour.
 */
export function nextWindowStart(at: Date, timeZone: string, hours: BusinessHours): Date {
  const now = localTime(at, timeZone);
  if (withinBusinessHours(now, hours)) return at;
  for (let day = 0; day <= 7; day += 1) {
    const candidate = new Date(now.midnight.getTime() + day * 86_400_000 + hours.start * 60_000);
    const local = localTime(candidate, timeZone);
    const dayName = weekdays[(weekdays.indexOf(now.weekday) + day) % 7]!;
    if (hours.days.includes(dayName) && candidate.getTime() > at.getTime()) {
      // Correct a daylight-saving shift between midnight and the window's start.
      return new Date(candidate.getTime() + (hours.start - local.minutes) * 60_000);
    }
  }
  throw new Error('business hours name no day of the week');
}
