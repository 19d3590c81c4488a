/**
 * OpenNebula's template text (`NAME = "value"`, vectors `CONTEXT = [ A = "x", B = "y" ]`, `#`
 * comments): what one.template.instantiate takes as its extra template, written and read. Names
 * are upper-cased as OpenNebula does; a repeated single attribute keeps its last value, a repeated
 * vector (DISK, NIC) keeps every one. Pure.
 */

/** A vector attribute: names to values. */
export type OneVector = Readonly<Record<string, string>>;

/** A parsed template: single attributes are strings, vectors are lists of name/value maps. */
export type OneTemplate = Readonly<Record<string, string | readonly OneVector[]>>;

/** A value quoted for a template: `"..."` with `\` and `"` escaped. */
export function quoteOneValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): string {
  if (!namePattern.test(name)) throw new Error(`not a template attribute name: '${name}'`);
  return name.toUpperCase();
}

/** Template text of `attributes`: strings become `NAME = "v"`, objects become vectors. */
export function formatOneTemplate(attributes: Readonly<Record<string, string | OneVector>>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') {
      lines.push(`${checkName(name)} = ${quoteOneValue(value)}`);
      continue;
    }
    const entries = Object.entries(value).map(([k, v]) => `  ${checkName(k)} = ${quoteOneValue(v)}`);
    lines.push(`${checkName(name)} = [\n${entries.join(',\n')} ]`);
  }
  return lines.join('\n');
}

/** A template that cannot be read, with the offset of the problem. */
export class OneTemplateError extends Error {
  constructor(
    readonly offset: number,
    problem: string,
  ) {
    super(`template syntax error at offset ${offset}: ${problem}`);
    this.name = 'OneTemplateError';
  }
}

class TemplateReader {
  private at = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    for (;;) {
      const rest = /^(?:\s+|#[^\n]*)/.exec(this.text.slice(this.at));
      if (!rest || rest[0] === '') return;
      this.at += rest[0].length;
    }
  }

  private fail(problem: string): never {
    throw new OneTemplateError(this.at, problem);
  }

  private name(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!match) this.fail('expected an attribute name');
    this.at += match[0].length;
    return match[0].toUpperCase();
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.fail(`expected '${char}'`);
    this.at++;
  }

  private value(): string {
    this.skipSpace();
    if (this.text[this.at] === '"') {
      let out = '';
      for (this.at++; this.at < this.text.length; this.at++) {
        const c = this.text[this.at]!;
        if (c === '"') {
          this.at++;
          return out;
        }
        if (c === '\\' && (this.text[this.at + 1] === '"' || this.text[this.at + 1] === '\\')) {
          out += this.text[++this.at];
          continue;
        }
        out += c;
      }
      this.fail('unterminated string');
    }
    const match = /^[^\s,\]"=[]+/.exec(this.text.slice(this.at));
    if (!match) this.fail('expected a value');
    this.at += match[0].length;
    return match[0];
  }

  read(): Record<string, string | OneVector[]> {
    const out: Record<string, string | OneVector[]> = Object.create(null) as Record<string, never>;
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) return out;
      const name = this.name();
      this.expect('=');
      this.skipSpace();
      if (this.text[this.at] !== '[') {
        out[name] = this.value();
        continue;
      }
      this.at++;
      const vector: Record<string, string> = {};
      for (;;) {
        this.skipSpace();
        if (this.text[this.at] === ']') {
          this.at++;
          break;
        }
        const key = this.name();
        this.expect('=');
        vector[key] = this.value();
        this.skipSpace();
        if (this.text[this.at] === ',') this.at++;
        else if (this.text[this.at] !== ']') this.fail("expected ',' or ']'");
      }
      const previous = out[name];
      out[name] = Array.isArray(previous) ? [...previous, vector] : [vector];
    }
  }
}

/** Read template text; throws OneTemplateError. */
export function parseOneTemplate(text: string): OneTemplate {
  return new TemplateReader(text).read();
}

/** The first vector named `name` (CONTEXT), or an empty one. */
export function oneVector(template: OneTemplate, name: string): OneVector {
  const value = template[name];
  return Array.isArray(value) ? (value[0] ?? {}) : {};
}

/** CONTEXT keys that carry what an agent needs to reach its instance (docs/opennebula.md). */
export const agentContextKeys = {
  masterUrl: 'COIN_MASTER_URL',
  token: 'COIN_AGENT_TOKEN',
  agentId: 'COIN_AGENT_ID',
} as const;

/**
 * CONTEXT keys of a base template that are not carried over: restricted attributes, which an
 * account other than oneadmin may not pass to one.template.instantiate (oned.conf's default
 * VM_RESTRICTED_ATTR has CONTEXT/FILES). The VM goes without them: an agent image must not need them.
 */
export const restrictedContextKeys: readonly string[] = ['FILES'];

export interface AgentVmTemplate {
  /**
   * The template's own CONTEXT: the extra template's CONTEXT replaces it, so it is carried over
   * (but for restrictedContextKeys).
   */
  baseContext: OneVector;
  masterUrl: string;
  token: string;
  agentId: string;
  schedRequirements?: string;
  /** machine_type cores: the VM gets that many virtual CPUs (VCPU) and CPU share (CPU). */
  cores?: number;
}

/** The extra template of an agent's VM: CONTEXT with the agent's values, SCHED_REQUIREMENTS if any. */
export function agentExtraTemplate(input: AgentVmTemplate): string {
  const attributes: Record<string, string | OneVector> = {
    CONTEXT: {
      ...Object.fromEntries(
        Object.entries(input.baseContext).filter(
          ([key]) => !restrictedContextKeys.includes(key.toUpperCase()),
        ),
      ),
      [agentContextKeys.masterUrl]: input.masterUrl,
      [agentContextKeys.token]: input.token,
      [agentContextKeys.agentId]: input.agentId,
    },
  };
  if (input.schedRequirements) attributes.SCHED_REQUIREMENTS = input.schedRequirements;
  if (input.cores) {
    attributes.VCPU = String(input.cores);
    attributes.CPU = String(input.cores);
  }
  return formatOneTemplate(attributes);
}

/** The name `coin provision` gives a base template's clone: `<name>-provisioned-<YYYY-MM-DD>`. */
export function provisionedTemplateName(base: string, date: Date): string {
  return `${base}-provisioned-${date.toISOString().slice(0, 10)}`;
}
