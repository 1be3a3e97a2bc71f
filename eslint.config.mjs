import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.tmp.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // Inside the package, import by relative path; the package name resolves to the published build.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['secure-claude', 'secure-claude/*'], message: 'Use a relative import inside src/.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**', 'eval/**', 'scripts/**', 'examples/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-empty': 'off' },
  },
);
