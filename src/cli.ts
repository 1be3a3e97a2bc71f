#!/usr/bin/env node
import { runDemo } from './demo/run-demo';

const USAGE = `Usage: secure-claude <command>

Commands:
  demo      Run the full pipeline against an embedded stand-in for the Messages API
            (or the real API when SECURE_CLAUDE_DEMO_REAL=1 and a key source is configured),
            printing what each control did and the spans it produced.
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'demo':
      return runDemo(argv.slice(1));
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
