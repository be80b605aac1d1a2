/** Server configuration, read once from the environment. */
export interface Tenant {
  user: string;
  secret: string;
}

export const DEMO_TENANTS: Tenant[] = [
  { user: 'alpha', secret: 'alpha-secret' },
  { user: 'beta', secret: 'beta-secret' },
];

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  testClock: boolean;
  tenants: Tenant[];
  /** Seconds before the activation worker finishes a RECEIVED order. */
  activationDelaySeconds: number;
  /** Events read per query while streaming the feed (a smaller batch makes every long read cross batches). */
  activationFeedBatchSize: number;
  /** Seconds before the cart supplier's decision on a pending confirmation takes effect. */
  cartPendingSeconds: number;
  /** Seconds between fulfilment simulator steps for ethernet orders; 0 turns the simulator off. */
  ethernetStepSeconds: number;
  /** Request validation against the specs; off only as the benchmark's baseline (ORDERCERT_VALIDATE_REQUESTS=0). */
  validateRequests: boolean;
}

/** Parses "user:secret,user2:secret2". */
export function parseTenants(spec: string): Tenant[] {
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      if (at <= 0 || at === pair.length - 1) throw new Error(`ORDERCERT_TENANTS entry "${pair.split(':')[0]}:..." must be user:secret`);
      return { user: pair.slice(0, at), secret: pair.slice(at + 1) };
    });
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): ServerConfig {
  const demo = env.ORDERCERT_DEMO === '1' || argv.includes('--demo');
  const tenants = [
    ...(demo ? DEMO_TENANTS : []),
    ...(env.ORDERCERT_TENANTS ? parseTenants(env.ORDERCERT_TENANTS) : []),
  ];
  // An empty variable is taken as unset.
  const given = (name: string) => (env[name] === '' ? undefined : env[name]);
  const number = (name: string, fallback: number) => {
    const raw = given(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  const count = (name: string, fallback: number) => {
    const raw = given(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
    return value;
  };
  return {
    port: number('PORT', 8080),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || `sqlite://${env.SQLITE_FILE || 'data/ordercert.sqlite'}`,
    testClock: env.ORDERCERT_TEST_CLOCK === '1' || argv.includes('--test-clock'),
    tenants,
    activationDelaySeconds: number('ACTIVATION_DELAY_SECONDS', 2),
    activationFeedBatchSize: count('ACTIVATION_FEED_BATCH_SIZE', 1000),
    cartPendingSeconds: number('CART_PENDING_SECONDS', 5),
    ethernetStepSeconds: number('ETHERNET_STEP_SECONDS', 0),
    validateRequests: env.ORDERCERT_VALIDATE_REQUESTS !== '0',
  };
}
