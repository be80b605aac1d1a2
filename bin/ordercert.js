#!/usr/bin/env node
// The ordercert CLI. The suite is TypeScript, loaded through tsx so that no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../conformance/cli.ts');
process.exit(await main(process.argv.slice(2)));
