/**
 * DeskApi: the one typed contract between the UI and the admin services behind it. Electron
 * carries it over IPC (electron/main/ipc-registrar.ts, electron/preload/preload.ts); the browser
 * host over HTTP (electron/host/browser-host.ts). Inputs are validated against these schemas at
 * both edges; outputs are typed by them.
 */
import * as z from 'zod';
import { doctorReportSchema } from '../../runner/core/doctor';
import { configEditorContract } from './config-editor-contract';
import { dashboardBridgeContract } from './dashboard-bridge-contract';
import { deskChannels, type DeskMethod } from './desk-channels';
import { diagnoseContract } from './diagnose-contract';
import { instancesContract } from './instances-contract';
import { localRunnerContract } from './local-runner-contract';
import { maintenanceContract } from './maintenance-contract';
import { provisioningContract } from './provisioning-contract';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Git revision of the build, when it is known. */
  revision: z.string().nullable(),
  /** Where the UI is hosted. */
  shell: z.enum(['electron', 'browser']),
  platform: z.string(),
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

interface MethodSpec {
  channel: string;
  input: z.ZodType;
  output: z.ZodType;
  doc: string;
}

export const deskContract = {
  appInfo: {
    channel: deskChannels.appInfo,
    input: z.object({}).strict(),
    output: appInfoSchema,
    doc: 'The app version, its revision and the shell it runs in.',
  },
  runnerDoctor: {
    channel: deskChannels.runnerDoctor,
    input: z.object({ workingDir: z.string().min(1).optional() }).strict(),
    output: doctorReportSchema,
    doc: "The runner's `coin doctor` report for a working directory (default: the app's own).",
  },
  ...instancesContract,
  ...localRunnerContract,
  ...configEditorContract,
  ...dashboardBridgeContract,
  ...maintenanceContract,
  ...diagnoseContract,
  ...provisioningContract,
} as const satisfies Record<DeskMethod, MethodSpec>;

export type DeskInput<M extends DeskMethod> = z.input<(typeof deskContract)[M]['input']>;
export type DeskOutput<M extends DeskMethod> = z.output<(typeof deskContract)[M]['output']>;

/** What the UI calls; every method returns a promise. */
export type DeskApi = { [M in DeskMethod]: (input: DeskInput<M>) => Promise<DeskOutput<M>> };

/** Error kinds a DeskApi call can fail with, the same over IPC and HTTP. */
export const deskErrorSchema = z.object({
  code: z.enum(['bad-input', 'forbidden', 'not-found', 'failed']),
  message: z.string(),
});
export type DeskErrorShape = z.infer<typeof deskErrorSchema>;

/** A DeskApi failure with a message meant for people. */
export class DeskError extends Error {
  constructor(
    readonly code: DeskErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

/** Validate the input of `method`, turning a schema failure into one readable DeskError. */
export function parseDeskInput<M extends DeskMethod>(method: M, input: unknown): DeskInput<M> {
  const result = deskContract[method].input.safeParse(input ?? {});
  if (result.success) return result.data as DeskInput<M>;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
  throw new DeskError('bad-input', `${deskChannels[method]}: ${problems.join('; ')}`);
}
