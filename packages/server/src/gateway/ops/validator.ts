/**
 * @module gateway/ops/validator
 * One Ajv instance for every op schema (compiled once at start-up).
 */
import { Ajv } from 'ajv';

export const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, strict: true });
