/**
 * Before an update: the announcement of the restart to copy into the channel (the guide asks to
 * announce it), filled from the profile's template, which can be edited and saved with the profile.
 */
import { useEffect, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConnectionProfile } from '../../../../electron/common/instance-schemas';
import type { UpdatePlan } from '../../../../electron/common/maintenance-contract';
import { shortSha } from '../../dashboard/format';
import {
  announcementPlaceholders,
  defaultAnnouncementTemplate,
  expectedDowntime,
  fillAnnouncement,
  restartTimeIn,
} from './update-announcement';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function AnnouncementPanel({
  desk,
  profileId,
  plan,
}: {
  desk: DeskApi;
  profileId: string;
  plan: UpdatePlan;
}) {
  const [profile, setProfile] = useState<ConnectionProfile | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [time, setTime] = useState(() => restartTimeIn(new Date(), 15));
  const [downtime, setDowntime] = useState(() => expectedDowntime(plan.dependenciesChange));
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    void desk.profilesList({}).then((list) => {
      const found = list.profiles.find((p) => p.id === profileId) ?? null;
      setProfile(found);
      setTemplate(found?.announcementTemplate ?? defaultAnnouncementTemplate);
    });
  }, [desk, profileId]);

  const text = fillAnnouncement(template ?? defaultAnnouncementTemplate, {
    instance: profile?.name ?? profileId,
    time,
    revision: shortSha(plan.target ?? ''),
    commits: plan.incoming.length,
    downtime,
  });
  const save = async () => {
    if (!profile || template === null) return;
    try {
      const kept = template.trim() === defaultAnnouncementTemplate ? null : template;
      setProfile(await desk.profilesSave({ profile: { ...profile, announcementTemplate: kept } }));
      setEditing(false);
      setMessage({ text: 'Template saved with the profile.', error: false });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };

  return (
    <div className="announcement" data-testid="update-announcement">
      <h3>Announce the restart</h3>
      <div className="gc-controls">
        <label>
          Restart at <input value={time} size={8} onChange={(e) => setTime(e.target.value)} />
        </label>
        <label>
          Expected downtime <input value={downtime} size={34} onChange={(e) => setDowntime(e.target.value)} />
        </label>
      </div>
      <textarea className="announcement-text" aria-label="Announcement" readOnly rows={3} value={text} />
      <div className="gc-controls">
        <button
          type="button"
          onClick={() =>
            void copy(text).then((ok) =>
              setMessage(
                ok
                  ? { text: 'Copied: post it in the channel before you update.', error: false }
                  : { text: 'Select the text and copy it.', error: true },
              ),
            )
          }
        >
          Copy announcement
        </button>
        <button type="button" disabled={!profile} onClick={() => setEditing(!editing)}>
          {editing ? 'Close the template' : 'Edit the template…'}
        </button>
        {message && (
          <span role="status" className={message.error ? 'error' : 'muted'}>
            {message.text}
          </span>
        )}
      </div>
      {editing && (
        <div className="announcement-template">
          <textarea
            aria-label="Announcement template"
            rows={4}
            value={template ?? ''}
            onChange={(e) => setTemplate(e.target.value)}
          />
          <p className="muted">
            Placeholders:{' '}
            {Object.entries(announcementPlaceholders).map(([name, what]) => (
              <span key={name}>
                <code>{name}</code> {what};{' '}
              </span>
            ))}
          </p>
          <button type="button" onClick={() => void save()}>
            Save the template
          </button>{' '}
          <button type="button" onClick={() => setTemplate(defaultAnnouncementTemplate)}>
            Back to the default
          </button>
        </div>
      )}
    </div>
  );
}
