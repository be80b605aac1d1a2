/**
 * Entry point of the test servers: the reference server, or with ORDERCERT_VARIANT=<name> a
 * broken variant of it (test/variants/*.ts), each breaking one documented rule on purpose, or a tolerance
 * variant (test/tolerance/*.ts), each making one choice the documents allow.
 */
import { referenceApis } from '../../src/apis.js';
import { readConfig } from '../../src/shared/config.js';
import { startServer } from '../../src/server.js';
import { findVariant } from './index.js';
import { findToleranceVariant } from '../tolerance/index.js';

const name = process.env.ORDERCERT_VARIANT;
const apis = name ? (findToleranceVariant(name)?.server() ?? findVariant(name).apis()) : referenceApis();
const running = await startServer(readConfig(), apis);
console.log(`listening${name ? ` (variant ${name})` : ''}`);
const shutdown = () => running.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
