// The working directory's layout in one module (runner/core/working-dir-layout.ts): paths under a
// root, the lock's content, and, until every writer takes its names from there, the names the
// runner's own modules still spell agree with it.
import { expect, test } from 'vitest';
import { runtimeConfigFileName } from '../../../../runner/core/runtime-config/config-schema';
import {
  inWorkingDir,
  parseLockInfo,
  workingDirLayout,
  workingDirNames,
} from '../../../../runner/core/working-dir-layout';
import { adminTokenFile } from '../../../../runner/node/instance/coin-instance';
import { instanceIdFile } from '../../../../runner/node/hypervisors/opennebula/opennebula-hypervisor';
import { maintenanceFileName } from '../../../../runner/node/maintenance/maintenance-record';
import { serviceFiles } from '../../../../runner/node/service/service-files';
import { artifactDirName } from '../../../../runner/node/store/artifact-store';
import { lockFileName } from '../../../../runner/node/store/instance-lock';
import { databaseFileName } from '../../../../runner/node/store/sqlite-store';

test('entries are joined under the root with /, whatever the root ends with', () => {
  expect(inWorkingDir('/srv/coin', 'lock')).toBe('/srv/coin/coin.lock');
  expect(inWorkingDir('/srv/coin/', 'servicePid')).toBe('/srv/coin/service/coin.pid');
  expect(inWorkingDir('/', 'adminToken')).toBe('/admin-token');
  expect(workingDirLayout('/w')).toMatchObject({
    sourceCache: '/w/cache/sources',
    gerritMirror: '/w/gerrit/git',
  });
  expect(Object.keys(workingDirLayout('/w'))).toEqual(Object.keys(workingDirNames));
});

test("the lock's content: its owner and, once listening, its port; anything else is not a lock", () => {
  const lock = { pid: 12, startedAt: '2026-01-01T10:00:00.000Z', hostname: 'h', port: 8080 };
  expect(parseLockInfo(JSON.stringify(lock))).toEqual(lock);
  expect(parseLockInfo(JSON.stringify({ ...lock, port: undefined }))).toEqual({ ...lock, port: undefined });
  expect(parseLockInfo('')).toBeUndefined();
  expect(parseLockInfo('{"pid":"12"}')).toBeUndefined();
});

test("the runner's own names for the entries are the layout's", () => {
  expect(workingDirNames).toMatchObject({
    lock: lockFileName,
    adminToken: adminTokenFile,
    database: databaseFileName,
    artifacts: artifactDirName,
    runtimeConfig: runtimeConfigFileName,
    maintenanceRecord: maintenanceFileName,
    instanceId: instanceIdFile,
  });
  const service = serviceFiles('/w');
  expect(workingDirLayout('/w')).toMatchObject({
    service: service.dir,
    servicePid: service.pidFile,
    serviceLog: service.logFile,
    servicePreviousLog: service.previousLogFile,
    serviceState: service.stateFile,
  });
});
