/** `npm run build -w packages/web`: writes packages/web/dist (the server also does this by itself when dist is stale). */
import { buildWeb, DIST } from './build.ts';

const t0 = performance.now();
const assets = await buildWeb({ write: true });
for (const a of assets.values()) if (!a.path.endsWith('.map')) console.log(`${a.path.padEnd(24)} ${(a.body.length / 1024).toFixed(1)} KiB`);
console.log(`built ${DIST} in ${Math.round(performance.now() - t0)} ms`);
