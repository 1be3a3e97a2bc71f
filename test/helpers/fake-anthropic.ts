// The fake Messages API ships with the package (`secure-claude/testing`) so services can test
// their own controls the same way; the tests use it from source.
export * from '../../src/testing/fake-anthropic';
