/**
 * The OpenNebula hypervisor (docs/opennebula.md): an agent is a VM instantiated from the VM
 * template its work item's platform configuration names (`Template:`), or from that template's
 * clone when `coin provision` recorded one in the working directory, owned by the OpenNebula
 * user the instance runs as, named `<prefix><agent id>` where the prefix is this instance's own
 * (kept in its working directory). The VM's CONTEXT tells the agent inside where its instance is
 * (COIN_MASTER_URL, COIN_AGENT_TOKEN, COIN_AGENT_ID); SCHED_REQUIREMENTS come from the runtime
 * configuration. Listing, stopping and cleaning up look only at the user's own VMs (pool filter
 * -3) whose name carries the prefix: other users' and other instances' VMs are never touched.
 * Stopping waits until OpenNebula says the VM is DONE (vm-removal.ts): actions are asynchronous.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  AgentHandle,
  AgentLaunch,
  AgentStartStatus,
  Hypervisor,
  HypervisorHost,
} from '../../../core/hypervisor';
import {
  hostCapacity,
  parseHostPool,
  parseTemplatePool,
  parseVm,
  parseVmPool,
  type OneTemplateRecord,
  type OneVm,
} from '../../../core/opennebula/one-pools';
import { pendingReason } from '../../../core/opennebula/one-sched-message';
import { oneErrorCodes, hostViewState, vmPhase, vmStateLabel } from '../../../core/opennebula/one-states';
import { agentExtraTemplate } from '../../../core/opennebula/one-template';
import { templateInUse } from '../../../core/opennebula/one-template-sets';
import { OneError, poolFilter, type OneClient } from './one-client';
import { readTemplateSets } from './template-sets-file';
import { removeVm } from './vm-removal';

export interface OpenNebulaHypervisorOptions {
  client: OneClient;
  /** This instance's VM name prefix, e.g. `coin-1a2b3c4d-`. */
  namePrefix: string;
  /** Where notable events go (a VM that could not be terminated, ...). */
  log?(message: string): void;
  /**
   * The working directory's record of provisioned templates (template-sets-file.ts), read at
   * every agent start so that a `coin provision` or its rollback applies to the next VM.
   */
  templateSetsFile?: string;
  /** How long a VM may take to be DONE after terminate-hard (ms; default 10 minutes). */
  removeTimeoutMs?: number;
}

/** OpenNebula cannot be used at start (wrong endpoint or account): a one-line message. */
export class OpenNebulaStartError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'OpenNebulaStartError';
  }
}

/** File in the working directory holding the instance's id, which names its VMs. */
export const instanceIdFile = 'instance-id';

/** This working directory's VM name prefix, `coin-<id>-`; the id is made once and kept. */
export async function instanceNamePrefix(workingDir: string): Promise<string> {
  const file = path.join(workingDir, instanceIdFile);
  let id = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!/^[0-9a-f]{8}$/.test(id)) {
    id = randomBytes(4).toString('hex');
    await writeFile(file, `${id}\n`);
  }
  return `coin-${id}-`;
}

/** A VM of this instance: the agent id is the rest of its name. */
function handleOf(vm: OneVm, prefix: string): AgentHandle {
  return {
    id: vm.name.slice(prefix.length),
    host: vm.hostname ? `${vm.hostname} (VM ${vm.id})` : `VM ${vm.id}`,
    pid: null,
    startedAt: new Date(vm.stime * 1000).toISOString(),
  };
}

/** Agents as OpenNebula VMs. */
export class OpenNebulaHypervisor implements Hypervisor {
  readonly name = 'opennebula' as const;
  private templates: Map<string, OneTemplateRecord> | undefined;
  /** VM ids of the agents this process started. */
  private readonly vmIds = new Map<string, number>();

  constructor(private readonly options: OpenNebulaHypervisorOptions) {}

  /**
   * Check the endpoint and the account before the instance relies on them; throws OpenNebulaStartError whose
   * message is one line saying what is wrong (`OpenNebula at URL refused user 'coin': ...`).
   */
  async check(url: string): Promise<string> {
    try {
      const version = await this.options.client.version();
      await this.options.client.vmPoolInfo(poolFilter.mine);
      return version;
    } catch (error) {
      if (!(error instanceof OneError)) throw error;
      if (error.code === oneErrorCodes.AUTHENTICATION)
        throw new OpenNebulaStartError(
          `OpenNebula at ${url} refused user '${this.options.client.user}': ${error.detail}`,
          {
            cause: error,
          },
        );
      throw new OpenNebulaStartError(`OpenNebula at ${url} cannot be used: ${error.detail}`, {
        cause: error,
      });
    }
  }

  /** The template named `name` (looked up once, again when a name is not found). */
  private async template(name: string, provisionedFor?: string): Promise<OneTemplateRecord> {
    for (const fresh of [false, true]) {
      if (fresh || !this.templates) {
        const all = parseTemplatePool(await this.options.client.templatePoolInfo(poolFilter.all));
        this.templates = new Map(all.map((t) => [t.name, t]));
      }
      const found = this.templates.get(name);
      if (found) return found;
    }
    if (provisionedFor)
      throw new Error(
        `OpenNebula has no VM template named '${name}', the provisioned clone of '${provisionedFor}' that ${this.options.templateSetsFile} names: run coin provision again, or coin provision --rollback`,
      );
    throw new Error(`OpenNebula has no VM template named '${name}' that this user can use`);
  }

  /** The template a work item naming `base` starts from: the provisioned clone in use, or the base. */
  private async templateFor(base: string): Promise<OneTemplateRecord> {
    if (!this.options.templateSetsFile) return this.template(base);
    const name = templateInUse(await readTemplateSets(this.options.templateSetsFile), base);
    return this.template(name, name === base ? undefined : base);
  }

  async startAgent(launch: AgentLaunch): Promise<AgentHandle> {
    if (!launch.template) throw new Error(`agent ${launch.agentId}: its configuration names no VM template`);
    const template = await this.templateFor(launch.template);
    const extra = agentExtraTemplate({
      baseContext: template.context,
      masterUrl: launch.masterUrl,
      token: launch.token,
      agentId: launch.agentId,
      schedRequirements: launch.requirements,
      ...(launch.cores ? { cores: launch.cores } : {}),
    });
    const vmId = await this.options.client.templateInstantiate(
      template.id,
      `${this.options.namePrefix}${launch.agentId}`,
      extra,
    );
    this.vmIds.set(launch.agentId, vmId);
    return { id: launch.agentId, host: `VM ${vmId}`, pid: null, startedAt: new Date().toISOString() };
  }

  /** The user's own VMs (filter -3) that carry this instance's prefix, DONE ones left out. */
  private async mine(): Promise<OneVm[]> {
    const vms = parseVmPool(await this.options.client.vmPoolInfo(poolFilter.mine, -1));
    return vms.filter(
      (vm) => vm.name.startsWith(this.options.namePrefix) && vmPhase(vm.state, vm.lcmState) !== 'gone',
    );
  }

  async listAgents(): Promise<AgentHandle[]> {
    return (await this.mine()).map((vm) => handleOf(vm, this.options.namePrefix));
  }

  /** terminate-hard, then wait until the VM is DONE (vm-removal.ts); never recover. */
  private terminate(vmId: number): Promise<void> {
    return removeVm(this.options.client, vmId, { timeoutMs: this.options.removeTimeoutMs ?? 600_000 });
  }

  async stopAgent(id: string): Promise<void> {
    const known = this.vmIds.get(id);
    const ids =
      known !== undefined
        ? [known]
        : (await this.mine())
            .filter((vm) => vm.name === `${this.options.namePrefix}${id}`)
            .map((vm) => vm.id);
    try {
      for (const vmId of ids) await this.terminate(vmId);
    } catch (error) {
      this.options.log?.(`agent ${id}: ${(error as Error).message}`);
      throw error;
    }
    this.vmIds.delete(id);
  }

  /** Every VM of this instance terminated at once, each waited for until DONE. */
  async cleanupLeaked(): Promise<number> {
    const vms = await this.mine();
    const results = await Promise.allSettled(vms.map((vm) => this.terminate(vm.id)));
    results.forEach((result, i) => {
      if (result.status === 'rejected')
        this.options.log?.(
          `could not remove VM ${vms[i]!.id} (${vms[i]!.name}): ${(result.reason as Error).message}`,
        );
    });
    this.vmIds.clear();
    return vms.length;
  }

  async hosts(): Promise<HypervisorHost[]> {
    const [hosts, vms] = await Promise.all([
      this.options.client.hostPoolInfo().then(parseHostPool),
      this.mine(),
    ]);
    return hosts.map((host) => ({
      name: host.name,
      state: hostViewState(host.state),
      agents: vms.filter((vm) => vm.hostname === host.name && vmPhase(vm.state, vm.lcmState) !== 'pending')
        .length,
      capacity: hostCapacity(host),
    }));
  }

  async startStatus(id: string): Promise<AgentStartStatus | undefined> {
    const vmId = this.vmIds.get(id);
    if (vmId === undefined) return undefined;
    const vm = parseVm(await this.options.client.vmInfo(vmId));
    const label = vmStateLabel(vm.state, vm.lcmState);
    const phase = vmPhase(vm.state, vm.lcmState);
    const where = vm.hostname ? ` on host ${vm.hostname}` : '';
    if (phase === 'failed') return { failed: true, detail: `VM ${vm.id} is ${label}${where}` };
    if (phase === 'gone') return { failed: true, detail: `VM ${vm.id} is DONE` };
    if (phase === 'pending') {
      const why = pendingReason(vm.userTemplate.SCHED_MESSAGE, vm.userTemplate.SCHED_REQUIREMENTS);
      return { failed: false, detail: `VM ${vm.id} is ${label}${why ? `: ${why}` : ''}` };
    }
    if (phase === 'running')
      return { failed: false, detail: `VM ${vm.id} is RUNNING${where} but its agent has not connected` };
    return { failed: false, detail: `VM ${vm.id} is ${label}${where}` };
  }
}
