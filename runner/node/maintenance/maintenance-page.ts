/** What the maintenance server answers: a page for people, JSON for programs, both 503. */
import { simplePage } from '../server/dashboard-routes';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Seconds between the page's own reloads, so it turns back into the dashboard by itself. */
export const pageReloadSeconds = 5;

/** The maintenance page. */
export function maintenancePage(message: string, since: string): string {
  return simplePage(
    'Coin: maintenance',
    `<h1>Coin is under maintenance</h1>
<p data-testid="maintenance-message">${escapeHtml(message)}</p>
<p>The instance is stopped (since ${escapeHtml(since)}). This page reloads itself every
${pageReloadSeconds} seconds and turns back into the dashboard when the instance runs again.</p>`,
  );
}

/** The JSON of an API request during maintenance. */
export function maintenanceJson(message: string, retryAfterSeconds: number): object {
  return { error: `Coin is under maintenance: ${message}`, maintenance: true, retryAfterSeconds };
}
