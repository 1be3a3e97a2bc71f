import { defineConfig } from 'tsup';

/** One entry per public subpath; scripts/check-dist.mjs checks package.json `exports` against this list. */
export const entries = {
  index: 'src/index.ts',
  cli: 'src/cli.ts',
  testing: 'src/testing/index.ts',
  credentials: 'src/credentials/index.ts',
  data: 'src/data/index.ts',
  injection: 'src/injection/index.ts',
  output: 'src/output/index.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // Native addon and peers are resolved at run time, never bundled.
  external: ['re2', 'node-vault', /^@anthropic-ai\/sdk/, 'zod', /^@opentelemetry\//],
});
