/** Types for the seeded corpus generator that the redaction benchmarks and tests share. */
export interface PlantedValue {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

export interface Corpus {
  readonly text: string;
  readonly planted: PlantedValue[];
  readonly size: number;
  readonly seed: string;
}

export function generateCorpus(options: { size: number; seed?: string; plant?: boolean }): Corpus;

/** The regex-checkable types that `redaction.mjs` and `peers.mjs` measure. */
export const FORMATTED_TYPES: readonly string[];
