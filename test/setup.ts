import { stopSharedCluster } from './helpers/pg.js';

/** mocha global teardown: the throw-away PostgreSQL cluster goes when the run ends. */
export async function mochaGlobalTeardown() {
  await stopSharedCluster();
}
