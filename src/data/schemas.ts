import { z } from 'zod';
import { DATA_CLASS_ORDER, type DataClass } from './classes';
import { SENSITIVE_TYPES } from './types';

/** The option schemas the data controls share, so each validates the same things the same way. */

/** `types`: built-in types to detect. */
export const sensitiveTypesSchema = z.array(z.enum(SENSITIVE_TYPES));

/** `detectors`: custom detectors in RE2 syntax, compiled once by the control. */
export const customDetectorsSchema = z
  .array(
    z
      .object({
        type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
        pattern: z.string().min(1).max(4096),
        validate: z.function().optional(),
        contextWords: z.array(z.string().min(1).max(64)).max(64).optional(),
      })
      .strict(),
  )
  .max(256);

/** A classification label: a class and an optional SCREAMING_SNAKE category. */
export const dataLabelSchema = z
  .object({
    class: z.enum(DATA_CLASS_ORDER as unknown as [DataClass, ...DataClass[]]),
    category: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,31}$/)
      .optional(),
  })
  .strict();

/** `typeLabels`: overrides of the type → label table. */
export const typeLabelsSchema = z.record(z.string(), dataLabelSchema);
