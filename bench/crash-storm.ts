/** The long crash storm: `node --import tsx bench/crash-storm.ts [--kills N] [--backend sqlite|postgres|both]`. */
import { parseArgs } from 'node:util';
import { crashStorm } from '../test/reliability/storm.js';
import { stopSharedCluster } from '../test/helpers/pg.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '30' }, backend: { type: 'string', default: 'both' } } });
const backends = values.backend === 'both' ? (['sqlite', 'postgres'] as const) : ([values.backend] as ['sqlite' | 'postgres']);
let failed = false;
for (const backend of backends) {
  const s = await crashStorm({ backend, kills: Number(values.kills), seed: Date.now() % 100_000 });
  console.log(`${backend}: operations ${s.operations}, acknowledged ${s.acknowledged}, kills ${s.kills}, events ${s.events}, violations ${s.violations.length}`);
  for (const v of s.violations) console.log(`  ${v}`);
  failed ||= s.violations.length > 0;
}
await stopSharedCluster();
process.exit(failed ? 1 : 0);
