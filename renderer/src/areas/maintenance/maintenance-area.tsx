/**
 * The Maintenance area: the administration guide's routines for the chosen instance. Daily
 * monitoring as a checklist the app runs, storage with garbage collection and artifact
 * invalidation, and the update procedure step by step. The routines run on a profile's instance
 * (over its SSH connection for a master); a runner the app hosts shows its storage.
 */
import { useCallback, useState } from 'react';
import type { DashboardTargetInfo } from '../../../../electron/common/dashboard-bridge-contract';
import type { DeskApi } from '../../../../electron/common/desk-api';
import { StoragePage } from '../../dashboard/storage-page';
import { useDeskCall } from '../../use-desk-call';
import { InstanceArea, TargetDashboard } from '../dashboard/instance-dashboard-area';
import { profileOfDirectory } from '../instances/instance-holder';
import { ChecksView } from './checks-view';
import { DiagnoseView } from './diagnose-view';
import { GcPanel } from './gc-panel';
import { HealthHistoryView } from './health-history-view';
import { ProvisioningView } from './provisioning-view';
import { UpdateView } from './update-view';
import './maintenance.css';

const tabs = [
  { id: 'checks', title: 'Daily monitoring' },
  { id: 'history', title: 'Health history' },
  { id: 'storage', title: 'Storage and GC' },
  { id: 'update', title: 'Update' },
  { id: 'diagnose', title: 'Diagnose' },
  { id: 'provisioning', title: 'Provisioning' },
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
  info: DashboardTargetInfo;
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
        {tab === 'history' && <HealthHistoryView desk={desk} profileId={profileId} />}
        {tab === 'storage' && (
          <div className="page-stack">
            <GcPanel desk={desk} profileId={profileId} />
            <TargetDashboard desk={desk} info={info}>
              <StoragePage />
            </TargetDashboard>
          </div>
        )}
        {tab === 'update' && <UpdateView desk={desk} profileId={profileId} />}
        {tab === 'diagnose' && <DiagnoseView desk={desk} profileId={profileId} />}
        {tab === 'provisioning' && <ProvisioningView desk={desk} profileId={profileId} />}
      </div>
    </>
  );
}

/**
 * A runner the app hosts: its storage, and the routines through the local profile of the same
 * working directory (the same instance) when there is one.
 */
function RunnerMaintenance({ desk, info }: { desk: DeskApi; info: DashboardTargetInfo }) {
  const [profiles] = useDeskCall(useCallback(() => desk.profilesList({}), [desk]));
  if (info.target.kind !== 'local-runner') return null;
  if (!profiles.data) return <p className="empty">Looking for a profile of {info.label}…</p>;
  const profile = profileOfDirectory(profiles.data.profiles, info.target.workingDir);
  if (profile)
    return (
      <>
        <p className="muted" data-testid="maintenance-through-profile">
          {info.label} is the working directory of the profile “{profile.name}”: its routines run through that
          profile.
        </p>
        <ProfileMaintenance desk={desk} profileId={profile.id} info={info} />
      </>
    );
  return (
    <>
      <p className="empty" data-testid="maintenance-needs-profile">
        Daily monitoring, garbage collection, artifact invalidation and updates run on a profile&apos;s
        instance: add a local profile for {info.label} in the <a href="#/instances">Instances</a> area to use
        them here. Its storage:
      </p>
      <TargetDashboard desk={desk} info={info}>
        <StoragePage />
      </TargetDashboard>
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
          <RunnerMaintenance desk={desk} info={current} />
        )
      }
    </InstanceArea>
  );
}
