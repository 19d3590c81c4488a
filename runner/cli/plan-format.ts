/** The text `coin plan` prints for a PlanReport: the summary table, then with --details every step. */
import {
  planSummary,
  type ConfigurationReport,
  type PhaseReport,
  type PlanReport,
  type PlanStep,
} from '../core/plan-report';
import type { StepLimits } from '../core/plan-simulation';
import { textTable } from './text-table';

const decisionWidth = 'at runtime'.length;

/** `limits: 7200 s, 120 s without output` when the instruction sets one; nothing for the defaults. */
function limitsLine(limits: StepLimits | undefined): string[] {
  if (!limits || limits.fromDefaults.length === 2) return [];
  const mark = (name: keyof StepLimits) => (limits.fromDefaults.includes(name as never) ? ' (default)' : '');
  return [
    `limits: ${limits.maxTimeInSeconds} s in all${mark('maxTimeInSeconds')}, ` +
      `${limits.maxTimeBetweenOutput} s without output${mark('maxTimeBetweenOutput')}`,
  ];
}

function stepDetails(step: PlanStep): string[] {
  const details: string[] = [];
  if (step.simulated) {
    const [label] = step.reasons[0]!.split(':', 1);
    const outcome = !step.reached
      ? '; a Group above it does not run'
      : step.runs
        ? ', so it runs'
        : ', so it does not run';
    details.push(`at runtime (${label} would be ${step.simulated.value} with the simulated env${outcome})`);
    details.push(...step.simulated.trace);
  } else {
    details.push(...step.reasons);
  }
  if (step.note) details.push(step.note);
  if (step.action) details.push(step.type === 'ExecuteCommand' ? `$ ${step.action}` : step.action);
  details.push(...limitsLine(step.limits));
  if (step.error) details.push(`cannot render with the simulated env: ${step.error}`);
  return details;
}

function formatSteps(steps: readonly PlanStep[]): string[] {
  const width = Math.max(...steps.map((s) => 2 * s.depth + s.type.length));
  const lines: string[] = [];
  for (const step of steps) {
    const marker = step.runs || step.decision === 'skipped' ? ' ' : '-';
    const name = `${'  '.repeat(step.depth)}${step.type}`;
    lines.push(`${step.decision.padEnd(decisionWidth)} ${marker} ${name.padEnd(width)}  ${step.at ?? '?'}`);
    const indent = ' '.repeat(decisionWidth + 3 + 2 * step.depth + 2);
    lines.push(...stepDetails(step).map((d) => `${indent}${d}`));
  }
  return lines;
}

function phaseHeading(config: ConfigurationReport, phase: PhaseReport): string {
  const { counts } = phase;
  const tags = [
    ...(phase.buildOf ? [`on the build of ${phase.buildOf}`] : []),
    ...(phase.insignificant ? ['insignificant'] : []),
  ];
  const tagText = tags.length ? ` [${tags.join(', ')}]` : '';
  return (
    `--- ${phase.phase} on ${config.name}${tagText}: ${counts.steps} steps (${counts.run} run, ${counts.skipped} skipped, ` +
    `${counts.atRuntime} at runtime); the simulated run runs ${counts.actions} instruction${counts.actions === 1 ? '' : 's'}`
  );
}

function formatPhase(config: ConfigurationReport, phase: PhaseReport): string[] {
  if (phase.absent !== null)
    return ['', `--- ${phase.phase} on ${config.name}: no work item (${phase.absent})`];
  const dirs = Object.entries(phase.agent).map(([k, v]) => `${k}=${String(v)}`);
  const width = Math.max(...phase.environment.map((e) => e.name.length + e.value.length + 1));
  return [
    '',
    phaseHeading(config, phase),
    `work item (sample): ${phase.workItem}`,
    `agent (sample): ${dirs.join(' ')}`,
    'environment at the start:',
    ...phase.environment.map((e) => `  ${`${e.name}=${e.value}`.padEnd(width)}  (${e.from})`),
    "steps ('-': the simulated run does not run it):",
    ...formatSteps(phase.steps),
  ];
}

function formatConfiguration(config: ConfigurationReport): string[] {
  const lines = [
    '',
    `=== ${config.name}: ${config.template}, ${config.compiler}, features [${config.features.join(', ')}]`,
    ...config.accept.map((line, i) => (i === 0 ? `accept_configuration: ${line}` : `  ${line}`)),
  ];
  if (config.platformDependency.length > 0) {
    const testOnly = config.features.includes('TestOnly')
      ? ' (TestOnly: it tests what that configuration built)'
      : '';
    lines.push(`platform dependency: ${config.platformDependency.join(', ')}${testOnly}`);
  }
  if (config.environmentScript.length > 0) {
    lines.push(`environment script (not simulated): ${config.environmentScript.join(' ')}`);
  }
  for (const phase of config.phases) lines.push(...formatPhase(config, phase));
  if (config.error) lines.push(`planning stopped: ${config.error}`);
  return lines;
}

/** The summary table: one row per accepted configuration, steps and instructions run per phase. */
function formatSummary(report: PlanReport): string[] {
  const summary = planSummary(report);
  const problems = summary.accepted.some((c) => c.error !== undefined);
  const header = ['configuration', 'host', 'compiler', 'target'];
  header.push(...report.phases.flatMap((p) => [`${p} steps`, 'runs']), ...(problems ? ['problem'] : []));
  const rows = summary.accepted.map((c) => [
    c.name,
    c.host,
    c.compiler,
    c.target,
    ...report.phases.flatMap((phase) => {
      const found = c.phases.find((p) => p.phase === phase);
      return found && found.absent === undefined ? [String(found.steps), String(found.runs)] : ['–', '–'];
    }),
    ...(problems ? [c.error ? `planning stopped: ${c.error.replace(/\s*\n\s*/g, ' ')}` : ''] : []),
  ]);
  const lines = rows.length ? ['', textTable(header, rows)] : [];
  if (summary.rejected.length) {
    lines.push('', 'rejected by accept_configuration:');
    lines.push(...summary.rejected.map((r) => `  ${r.name}: ${r.why}`));
  }
  return lines;
}

/** The lines before the table: what was planned with what, and how the configurations were chosen. */
function formatHeader(report: PlanReport, platformDir: string): string[] {
  const considered = report.configurations.length + report.rejected.length;
  const files =
    report.platformConfigFiles.length > 3
      ? `${report.platformConfigFiles.length} files`
      : report.platformConfigFiles.join(' + ');
  const lines = [
    `Plan of ${report.project} (${report.moduleFile}) with ${platformDir}: ${files}`,
    ...report.platformNotes.map((note) => `note: ${note}`),
  ];
  for (const product of report.product?.products ?? []) {
    lines.push(`released with ${product.project} at ${product.ref} (${product.at ?? report.product!.file})`);
  }
  lines.push(
    `${considered} of ${report.configurationCount} configurations considered: ` +
      `${report.configurations.length} accepted, ${report.rejected.length} rejected by accept_configuration`,
  );
  if (considered > 0 && report.configurations.length === 0)
    lines.push(
      'No configuration accepts the module; --all-configs plans every configuration of the directory.',
    );
  return lines;
}

/**
 * The report as the text `coin plan` prints: the summary, then with `details` every accepted
 * configuration's steps, else how to get them.
 */
export function formatPlanReport(
  report: PlanReport,
  options: { details: boolean; platformDir: string },
): string {
  const lines = [...formatHeader(report, options.platformDir), ...formatSummary(report)];
  if (!options.details) {
    if (report.configurations.length)
      lines.push(
        '',
        "'steps': instructions in the phase (Groups included); 'runs': those the simulated run runs; " +
          "'–': no work item of that phase there.",
        'The steps of each configuration: add --details, or --config ID for one configuration.',
      );
    return lines.join('\n');
  }
  for (const config of report.configurations) lines.push(...formatConfiguration(config));
  return lines.join('\n');
}
