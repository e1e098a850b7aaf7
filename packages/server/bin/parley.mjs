#!/usr/bin/env node
// `npx parley ...`: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/parley.ts');
