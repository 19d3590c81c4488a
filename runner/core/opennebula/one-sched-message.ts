/**
 * OpenNebula's scheduler message (5.x/6.x): when it cannot place a PENDING VM it writes
 * USER_TEMPLATE/SCHED_MESSAGE as `<ctime>: Cannot dispatch VM: <reason>`, where ctime is C's
 * `Www Mmm dd hh:mm:ss yyyy` and the requirements reason ends in the whole expression it
 * evaluated (`... SCHED_REQUIREMENTS: <AUTOMATIC_REQUIREMENTS> & ( <SCHED_REQUIREMENTS> )`).
 * OpenNebula 7's scheduler words it differently (not verified): such a message is shown as it is.
 * Pure.
 */

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() text of `date` in UTC, without its newline: `Fri Dec  4 18:55:14 2026`. */
export function ctimeText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()}`;
}

/** A SCHED_MESSAGE read: when (the ctime text, if any) and the reason after `Cannot dispatch VM: `. */
export interface SchedMessage {
  at: string | null;
  reason: string;
  /** The reason names the requirements it could not meet (their expression is left out of `reason`). */
  aboutRequirements: boolean;
}

const ctimePattern = /^([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}): /;
const dispatchPrefix = 'Cannot dispatch VM: ';
const requirementsReason = /^(.*SCHED_REQUIREMENTS)\s*:.*$/s;

/** Read a SCHED_MESSAGE; text in another shape (OpenNebula 7) is the reason as it is. */
export function parseSchedMessage(text: string): SchedMessage {
  let rest = text.trim();
  const time = ctimePattern.exec(rest);
  if (time) rest = rest.slice(time[0].length);
  if (rest.startsWith(dispatchPrefix)) rest = rest.slice(dispatchPrefix.length);
  const requirements = requirementsReason.exec(rest);
  return {
    at: time ? time[1]! : null,
    reason: requirements ? requirements[1]! : rest,
    aboutRequirements: requirements !== null,
  };
}

/** The message as OpenNebula 5.x/6.x writes it (the fake uses this). */
export function formatSchedMessage(date: Date, reason: string): string {
  return `${ctimeText(date)}: ${dispatchPrefix}${reason}`;
}

/**
 * Why a PENDING VM waits, for people: the reason once; when it is about requirements, the VM's
 * own SCHED_REQUIREMENTS once instead of the scheduler's whole expression.
 */
export function pendingReason(schedMessage: string | undefined, requirements: string | undefined): string {
  if (!schedMessage) return '';
  const message = parseSchedMessage(schedMessage);
  const own = message.aboutRequirements && requirements ? ` (${requirements})` : '';
  return `${message.reason}${own}`;
}
