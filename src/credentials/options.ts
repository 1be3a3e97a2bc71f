import type { z } from 'zod';
import { ConfigError } from '../core/errors';

/**
 * Validates options with a zod schema. Failures become one `ConfigError` (`SCC_CONFIG_INVALID`)
 * naming each option path and issue code, never the offending value (it may be a secret).
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  options: unknown,
  factory: string,
): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path} (${issue.code})`;
  });
  const more = result.error.issues.length > 5 ? ` and ${result.error.issues.length - 5} more` : '';
  throw new ConfigError(`${factory}: invalid options at ${issues.join(', ')}${more}; see docs/credentials.md.`, {
    source: 'credentials',
    details: { paths: result.error.issues.map((issue) => issue.path.map(String).join('.')) },
  });
}
