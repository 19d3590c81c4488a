/**
 * Validation problems in plain words. DeskApi's schemas check every input; a form runs the same
 * schema before it calls, and shows each problem next to its field in words a person reads ("is
 * required", "must be 65535 or less") instead of zod's ("Too small: expected string to have >=1
 * characters"). A message a schema wrote itself (a `.regex(..., 'must be ...')`) is kept as it is.
 */
import type * as z from 'zod';

type Issue = z.core.$ZodIssue;

/** One field's problem: its path in the input (`auth.keyFile`) and what is wrong, in words. */
export interface FieldProblem {
  path: string;
  /** Finishes a sentence that starts with the field's name: "is required". */
  message: string;
}

/** zod's own messages start so; anything else was written by the schema's author for people. */
const zodWording = /^(Invalid|Too (small|big)|Expected|Unrecognized|Number must|String must)/;

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return min <= 1 ? 'is required' : `must be at least ${min} characters long`;
    case 'array':
    case 'set':
      return min <= 1 ? 'needs at least one entry' : `needs at least ${min} entries`;
    default:
      return issue.inclusive === false ? `must be more than ${min}` : `must be ${min} or more`;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const max = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `must be at most ${max} characters long`;
    case 'array':
    case 'set':
      return `may have at most ${max} entries`;
    default:
      return issue.inclusive === false ? `must be less than ${max}` : `must be ${max} or less`;
  }
}

const typeWords: Record<string, string> = {
  number: 'must be a number',
  int: 'must be a whole number',
  string: 'must be text',
  boolean: 'must be yes or no',
  array: 'must be a list',
  object: 'is required',
};

function wrongType(issue: Extract<Issue, { code: 'invalid_type' }>): string {
  if (/received (undefined|null)$/.test(issue.message)) return 'is required';
  if (/received NaN$/.test(issue.message)) return 'must be a number';
  return typeWords[issue.expected] ?? `must be ${issue.expected}`;
}

function badFormat(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  if (issue.format === 'starts_with' && 'prefix' in issue) return `must start with “${String(issue.prefix)}”`;
  if (issue.format === 'regex') return 'contains characters that are not allowed here';
  return `must be a valid ${issue.format}`;
}

/** What is wrong, finishing a sentence that starts with the field's name. */
export function plainIssue(issue: Issue): string {
  if (!zodWording.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_type':
      return wrongType(issue);
    case 'invalid_format':
      return badFormat(issue);
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has fields that are not known here: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'is none of the accepted forms';
    default:
      return 'is not valid';
  }
}

/** The problems of a failed parse, one per issue, with dotted paths (`jump.auth.keyFile`). */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: plainIssue(issue),
  }));
}

/** "Instance port must be 65535 or less": a label and a problem, as one sentence. */
export function sentence(label: string, message: string): string {
  return `${label} ${message}.`;
}
