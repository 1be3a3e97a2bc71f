import { describe, expect, it } from 'vitest';
import { SecureClaudeClient, definePreset, redactionMiddleware } from 'secure-claude';
import { assessPosture } from '../../src/monitoring/posture';
import { verifyControls } from '../../src/monitoring/verify';
import { makeCanaryKey } from '../helpers/canary';

describe('verifyControls', () => {
  it('passes every check for the default preset', async () => {
    const checks = await verifyControls();
    expect(checks.map((check) => [check.id, check.status])).toEqual([
      ['redaction.request', 'pass'],
      ['redaction.reply', 'pass'],
      ['redaction.stream', 'pass'],
      ['injection.tool-result', 'pass'],
      ['input-guard.size', 'pass'],
      ['pipeline.bypass', 'pass'],
      ['telemetry.content-pinned', 'pass'],
      ['audit.call-record', 'pass'],
    ]);
    expect(process.env['ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE']).toBeUndefined();
  });

  it('fails a control that does not do its job, and skips controls that are absent', async () => {
    // Present by name, but configured to leave replies alone: the reply checks must catch it.
    const hollow = definePreset({
      name: 'hollow',
      version: '1.0.0',
      middleware: [redactionMiddleware({ redactOutput: false })],
    });
    const checks = await verifyControls({ preset: hollow });
    const status = Object.fromEntries(checks.map((check) => [check.id, check.status]));
    expect(status['redaction.request']).toBe('pass');
    expect(status['redaction.reply']).toBe('fail');
    expect(status['redaction.stream']).toBe('fail');
    expect(status['injection.tool-result']).toBe('skip');
    expect(status['input-guard.size']).toBe('skip');
    expect(status['pipeline.bypass']).toBe('pass');
  });
});

describe('assessPosture', () => {
  it('fails a development-style setup checked as production evidence, and passes what is configured', () => {
    const client = new SecureClaudeClient({
      apiKey: makeCanaryKey(),
      baseURL: 'http://10.0.0.5:8080',
      security: { environment: 'development' },
    });
    const items = Object.fromEntries(assessPosture(client).map((item) => [item.id, item]));
    expect(items['credentials.secrets-manager']!.status).toBe('warn');
    expect(items['data.redaction']!.status).toBe('pass');
    expect(items['injection.screening']!.status).toBe('pass');
    expect(items['network.transport']!.status).toBe('fail');
    expect(items['environment.declared']!.status).toBe('warn');
    expect(items['monitoring.telemetry']!.detail).toMatch(/no OpenTelemetry tracer provider/);
  });

  it('reports a removed control as a failure', () => {
    const client = new SecureClaudeClient({
      apiKey: makeCanaryKey(),
      baseURL: 'https://api.anthropic.com',
      security: {
        environment: 'test',
        integration: 'x',
        dangerouslyRemoveMiddleware: { 'injection-screen': 'TEST-1' },
      },
    });
    const items = Object.fromEntries(assessPosture(client).map((item) => [item.id, item]));
    expect(items['injection.screening']!.status).toBe('fail');
    expect(items['network.transport']!.status).toBe('pass');
  });
});
