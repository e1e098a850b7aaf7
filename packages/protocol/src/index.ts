/**
 * @module @parley/protocol
 * Wire contract shared by the Parley server and SDK: frames, operations, pushes, message elements,
 * identifier rules and the error-code table. No dependencies, no Node-only code.
 */
export * from './codes.ts';
export * from './elements.ts';
export * from './frames.ts';
export * from './ids.ts';
export * from './live.ts';
export type * from './messages.ts';
export * from './ops.ts';
export type * from './pushes.ts';
export * from './group-ops.ts';
