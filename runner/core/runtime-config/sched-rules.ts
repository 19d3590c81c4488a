/**
 * `opennebula.sched_rules`: which SCHED_REQUIREMENTS the VM of a work item gets. A rule applies
 * when every entry of its `match` matches the work item configuration: the entry's key is an
 * attribute path (`target.os`), its value a regular expression that must match the whole
 * attribute value (for a list such as `features`, one element). The OpenNebula hypervisor calls
 * schedRequirementsFor; the rule tester shows explainSchedRules.
 */
import { configProperties } from '../coin-files/config-properties';
import type { PlatformConfiguration } from '../coin-files/platform-configs';
import type { RuntimeConfig, SchedRule } from './config-schema';
import { ruleMatches } from './rule-regex';

/**
 * A work item configuration as rules read it: nested objects (`{target: {os: 'QNX'}}`) or dotted
 * keys (`{'target.os': 'QNX'}`, the shape configProperties returns), or a mix.
 */
export type WorkItemConfiguration = Readonly<Record<string, unknown>>;

/** How one `match` entry fared against a configuration. */
export interface AttributeMatch {
  readonly attribute: string;
  readonly pattern: string;
  /** The configuration's value (undefined when it has no such attribute). */
  readonly value: unknown;
  readonly matched: boolean;
}

/** How one rule fared: whether it applies, and each of its entries. */
export interface SchedRuleResult {
  readonly index: number;
  readonly rule: SchedRule;
  readonly applies: boolean;
  readonly attributes: readonly AttributeMatch[];
}

/** The value at a dotted path; a key may itself contain dots (`platformDependency.target.os`). */
export function attributeValue(configuration: unknown, path: string): unknown {
  if (typeof configuration !== 'object' || configuration === null) return undefined;
  const parts = path.split('.');
  for (let i = parts.length; i >= 1; i--) {
    const key = parts.slice(0, i).join('.');
    if (!Object.hasOwn(configuration, key)) continue;
    const value = (configuration as Record<string, unknown>)[key];
    if (i === parts.length) return value;
    const rest = attributeValue(value, parts.slice(i).join('.'));
    if (rest !== undefined) return rest;
  }
  return undefined;
}

/** True when the pattern matches the whole value, or one element of a list value. */
export function attributeMatches(pattern: string, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => attributeMatches(pattern, v));
  if (typeof value === 'string') return ruleMatches(pattern, value);
  if (typeof value === 'number' || typeof value === 'boolean') return ruleMatches(pattern, String(value));
  return false;
}

/** Every rule with whether it applies to the configuration and why (the rule tester). */
export function explainSchedRules(
  config: RuntimeConfig,
  configuration: WorkItemConfiguration,
): SchedRuleResult[] {
  return config.opennebula.sched_rules.map((rule, index) => {
    const attributes = Object.entries(rule.match).map(([attribute, pattern]) => {
      const value = attributeValue(configuration, attribute);
      return { attribute, pattern, value, matched: attributeMatches(pattern, value) };
    });
    const applies = attributes.length > 0 && attributes.every((a) => a.matched);
    return { index, rule, applies, attributes };
  });
}

/**
 * The SCHED_REQUIREMENTS of a work item's VM: the one applying rule's expression as is, several
 * joined as `(A) & (B)` (each must hold), or undefined when no rule applies.
 */
export function schedRequirementsFor(
  config: RuntimeConfig,
  configuration: WorkItemConfiguration,
): string | undefined {
  const expressions = [
    ...new Set(
      explainSchedRules(config, configuration)
        .filter((r) => r.applies)
        .map((r) => r.rule.SCHED_REQUIREMENTS.trim()),
    ),
  ];
  if (expressions.length === 0) return undefined;
  if (expressions.length === 1) return expressions[0];
  return expressions.map((e) => `(${e})`).join(' & ');
}

/** The work item configuration of a platform configuration: its properties, `id` and `template`. */
export function workItemConfigurationOf(
  platform: PlatformConfiguration,
  dependency: (id: string) => PlatformConfiguration | undefined = () => undefined,
): WorkItemConfiguration {
  return { ...configProperties(platform, dependency), id: platform.name, template: platform.template };
}
