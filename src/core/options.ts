import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * Parses options with a zod schema. On failure throws one `SCC_CONFIG_INVALID` that lists each
 * offending option path and issue code, never the value given (it may be a secret).
 *
 * @example parseOptions(schema, options, 'security')
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].join('.');
    return `${path} (${describeIssue(issue)})`;
  });
  const more = result.error.issues.length - issues.length;
  throw new ConfigError(
    `Invalid option${result.error.issues.length > 1 ? 's' : ''}: ${issues.join(', ')}${more > 0 ? ` and ${more} more` : ''}. ` +
      `See docs/client.md for the accepted values.`,
    {
      source: prefix,
      details: { paths: result.error.issues.map((issue) => [prefix, ...issue.path.map(String)].join('.')) },
    },
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'too_small':
    case 'too_big':
      return `${issue.code} (${issue.code === 'too_small' ? 'minimum' : 'maximum'} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)})`;
    default:
      return issue.code;
  }
}
