/**
 * The Maintenance area: the administration guide's routines for the chosen instance. Daily
 * monitoring as a checklist the app runs, storage with garbage collection and artifact
 * invalidation, and the update procedure step by step. The routines run on a profile's instance
 * (over its SSH connection for a master); a runner the app hosts shows its storage.
 */
import { useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { StoragePage } from '../../dashboard/storage-page';
import { InstanceArea, TargetDashboard } from '../dashboard/instance-dashboard-area';
import { ChecksView } from './checks-view';
import { GcPanel } from './gc-panel';
import { UpdateView } from './update-view';
import './maintenance.css';

const tabs = [
  { id: 'checks', title: 'Daily monitoring' },
  { id: 'storage', title: 'Storage and GC' },
  { id: 'update', title: 'Update' },
] as const;
type TabId = (typeof tabs)[number]['id'];

function initialTab(): TabId {
  return window.location.hash.startsWith('#/storage') ? 'storage' : 'checks';
}

function ProfileMaintenance({
  desk,
  profileId,
  info,
}: {
  desk: DeskApi;
  profileId: string;
  info: Parameters<typeof TargetDashboard>[0]['info'];
}) {
  const [tab, setTab] = useState<TabId>(initialTab);
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Maintenance">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            onClick={() => setTab(t.id)}
          >
            {t.title}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel" aria-label={tabs.find((t) => t.id === tab)!.title}>
        {tab === 'checks' && <ChecksView desk={desk} profileId={profileId} />}
        {tab === 'storage' && (
          <div className="page-stack">
            <GcPanel desk={desk} profileId={profileId} />
            <TargetDashboard desk={desk} info={info}>
              <StoragePage />
            </TargetDashboard>
          </div>
        )}
        {tab === 'update' && <UpdateView desk={desk} profileId={profileId} />}
      </div>
    </>
  );
}

/** The Maintenance area. */
export function MaintenanceArea({ desk }: { desk: DeskApi }) {
  return (
    <InstanceArea desk={desk} testId="area-maintenance">
      {(current) =>
        current.target.kind === 'profile' ? (
          <ProfileMaintenance desk={desk} profileId={current.target.profileId} info={current} />
        ) : (
          <>
            <p className="empty" data-testid="maintenance-needs-profile">
              Daily monitoring, garbage collection, artifact invalidation and updates run on a profile&apos;s
              instance: add a local profile for {current.label} in the <a href="#/instances">Instances</a>{' '}
              area to use them here. Its storage:
            </p>
            <TargetDashboard desk={desk} info={current}>
              <StoragePage />
            </TargetDashboard>
          </>
        )
      }
    </InstanceArea>
  );
}
