#!/usr/bin/env node
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SecureClaudeClient, type SecurityOptions } from './client';
import { runDemo } from './demo/run-demo';
import { assessPosture } from './monitoring/posture';
import { verifyControls } from './monitoring/verify';

const USAGE = `Usage: secure-claude <command> [options]

Commands:
  demo [--real]        Run the default controls against an embedded stand-in for the Messages API
                       (or the real API with --real and ANTHROPIC_API_KEY, outside production),
                       printing what each control did, the audit trail and the spans.
  verify [module]      Self-test every control against the embedded stand-in with fresh canaries.
                       The module (optional) exports \`security\` (the client's security options).
  posture <module>     Check a configured client against the posture checklist.
                       The module exports \`client\` (or a default export): a SecureClaudeClient.

Exit code: 0 when everything passes, 1 on any failure.
`;

const load = async (file: string): Promise<Record<string, unknown>> =>
  (await import(pathToFileURL(path.resolve(process.cwd(), file)).href)) as Record<string, unknown>;

const mark = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' } as const;

async function main(argv: readonly string[]): Promise<number> {
  const [command, argument] = argv;
  switch (command) {
    case 'demo':
      return runDemo(argv.slice(1));
    case 'verify': {
      const security = argument ? ((await load(argument))['security'] as SecurityOptions | undefined) : undefined;
      const checks = await verifyControls(security ?? {});
      for (const check of checks) {
        process.stdout.write(
          `${mark[check.status]}  ${check.id.padEnd(26)} ${check.description}${check.detail ? ` (${check.detail})` : ''}\n`,
        );
      }
      return checks.some((check) => check.status === 'fail') ? 1 : 0;
    }
    case 'posture': {
      if (!argument) throw new Error('posture needs a module that exports a configured client');
      const loaded = await load(argument);
      const client = loaded['client'] ?? loaded['default'];
      if (!(client instanceof SecureClaudeClient))
        throw new Error(`${argument} exports no SecureClaudeClient as "client" or default`);
      const items = assessPosture(client);
      for (const item of items) process.stdout.write(`${mark[item.status]}  ${item.statement}\n      ${item.detail}\n`);
      return items.some((item) => item.status === 'fail') ? 1 : 0;
    }
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`secure-claude: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
