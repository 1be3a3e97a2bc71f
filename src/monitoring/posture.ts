import { trace } from '@opentelemetry/api';
import type { SecureClaudeClient } from '../client';
import { MemoryAuditSink } from '../core/audit';

/** One line of the posture check. */
export interface PostureItem {
  /** Stable id, for example `credentials.secrets-manager`. */
  readonly id: string;
  /** The checklist statement this item tests. */
  readonly statement: string;
  readonly status: 'pass' | 'warn' | 'fail';
  /** What was found and, when not passing, what to do. */
  readonly detail: string;
}

const has = (client: SecureClaudeClient, name: string) => client.security.middleware.includes(name);

/**
 * Checks a configured client against the enterprise API security posture checklist:
 *
 * 1. API keys are stored in dedicated secrets management infrastructure and rotated on a schedule.
 * 2. Data minimization is applied at the API call construction level.
 * 3. Prompt construction addresses injection risk for integrations that process external inputs.
 * 4. Output validation and filtering are infrastructure components, not manual review.
 * 5. Operational monitoring covers conventional API signals and AI-specific anomaly patterns.
 *
 * plus transport (HTTPS, loopback aside) and the environment declaration. It reads the client's
 * resolved settings only; `verifyControls()` exercises the controls. `secure-claude posture`
 * prints it and exits non-zero on any `fail`.
 */
export function assessPosture(client: SecureClaudeClient): PostureItem[] {
  const items: PostureItem[] = [];
  const production = client.security.environment === 'production';
  const add = (id: string, statement: string, status: PostureItem['status'], detail: string) =>
    items.push({ id, statement, status, detail });

  const source = client.security.keySource;
  add(
    'credentials.secrets-manager',
    'API keys are stored in dedicated secrets management infrastructure',
    source === 'secret-source' || source === 'oidc-federation' ? 'pass' : production ? 'fail' : 'warn',
    source === 'secret-source'
      ? 'the key comes from a secret source through security.credentials'
      : source === 'oidc-federation'
        ? 'keyless: the SDK exchanges a workload identity token (OIDC federation)'
        : `the key comes from a ${source} source; use security.credentials with vaultSource() or a cloud secret manager`,
  );
  add(
    'credentials.rotation',
    'API keys are rotated on a defined schedule',
    source === 'secret-source' ? 'warn' : production ? 'fail' : 'warn',
    source === 'secret-source'
      ? 'rotation is picked up without restart; confirm createKeyProvider({ maxKeyAgeDays }) is set so overdue keys raise an alert'
      : 'a key outside a secrets manager cannot be rotated without a deploy',
  );
  add(
    'data.minimization',
    'Data minimization is applied at the API call construction level',
    has(client, 'classification') ? 'pass' : 'warn',
    has(client, 'classification')
      ? 'classification and its policy table run on every call; use minimize() for structured records'
      : 'no classification control: add classificationMiddleware() with a policy table and minimize() records before they enter prompts',
  );
  add(
    'data.redaction',
    'Sensitive data is kept out of prompts, replies, logs and spans',
    has(client, 'redaction') ? 'pass' : 'fail',
    has(client, 'redaction')
      ? 'secrets are redacted from requests and replies, streams included'
      : 'the redaction control was removed; restore it',
  );
  add(
    'injection.screening',
    'Prompt construction addresses injection risk for external inputs',
    has(client, 'injection-screen') ? 'pass' : 'fail',
    has(client, 'injection-screen')
      ? 'tool results, documents and search results are screened; build prompts with buildPrompt() to keep data apart from instructions'
      : 'no injection screening: restore injection-screen and use buildPrompt() for external inputs',
  );
  add(
    'output.validation',
    'Output validation and filtering are infrastructure components',
    has(client, 'output-guard') ? 'pass' : 'warn',
    has(client, 'output-guard')
      ? 'an output guard validates replies and filters by destination, with escalation to review'
      : 'no output guard: add outputGuardMiddleware() (schema guards, destination filtering, review queue) where outputs drive actions',
  );
  const tracing = hasDelegate();
  const defaultAudit = client.security.audit instanceof MemoryAuditSink;
  add(
    'monitoring.telemetry',
    'Operational monitoring covers conventional and AI-specific signals',
    tracing && !defaultAudit ? 'pass' : 'warn',
    [
      tracing
        ? 'an OpenTelemetry tracer provider is registered'
        : 'no OpenTelemetry tracer provider is registered: spans and decision events go nowhere',
      defaultAudit
        ? 'audit records stay in process memory: pass security.audit a durable sink'
        : 'audit records go to a configured sink',
    ].join('; '),
  );
  const url = new URL(client.baseURL);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  add(
    'network.transport',
    'API traffic uses HTTPS to an expected endpoint',
    url.protocol === 'https:' || loopback
      ? production && url.hostname !== 'api.anthropic.com'
        ? 'warn'
        : 'pass'
      : 'fail',
    url.protocol !== 'https:' && !loopback
      ? `baseURL uses ${url.protocol} to a non-loopback host; use HTTPS`
      : production && url.hostname !== 'api.anthropic.com'
        ? `production traffic goes to ${url.hostname}; confirm it is an approved gateway`
        : `traffic goes to ${url.host} over ${url.protocol.slice(0, -1)}`,
  );
  add(
    'environment.declared',
    'Each client declares its environment and integration',
    client.security.integration ? 'pass' : 'warn',
    client.security.integration
      ? `environment ${client.security.environment}, integration ${client.security.integration}`
      : `environment ${client.security.environment}; set security.integration so keys, scopes and audit records are per integration`,
  );
  return items;
}

function hasDelegate(): boolean {
  const provider = trace.getTracerProvider() as { getDelegate?: () => { constructor: { name: string } } };
  return typeof provider.getDelegate === 'function' && provider.getDelegate().constructor.name !== 'NoopTracerProvider';
}
