// The restart announcement: placeholders filled, unknown braces kept, the restart time and downtime.
import { expect, test } from 'vitest';
import {
  defaultAnnouncementTemplate,
  expectedDowntime,
  fillAnnouncement,
  restartTimeIn,
} from '../../../../renderer/src/areas/maintenance/update-announcement';

const values = {
  instance: 'Production',
  time: '14:30',
  revision: '0123456789',
  commits: 3,
  downtime: 'about 2 minutes',
};

test('every placeholder is filled; unknown braces stay as written', () => {
  expect(fillAnnouncement('{instance} at {time}: {revision} ({commits}), {downtime}; {other}', values)).toBe(
    'Production at 14:30: 0123456789 (3), about 2 minutes; {other}',
  );
  expect(fillAnnouncement(defaultAnnouncementTemplate, values)).toBe(
    'Coin (Production) restarts at 14:30 for an update to 0123456789 (3 commit(s)). Expected downtime: about 2 minutes. Running integrations are interrupted and queued again by themselves; the maintenance page answers meanwhile.',
  );
});

test('the restart time is minutes from now in local HH:MM; npm ci lengthens the downtime', () => {
  expect(restartTimeIn(new Date(2026, 11, 5, 23, 50), 15)).toBe('00:05');
  expect(expectedDowntime(false)).toBe('about 2 minutes');
  expect(expectedDowntime(true)).toBe('about 10 minutes (dependencies are installed)');
});
