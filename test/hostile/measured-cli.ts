/**
 * Runs `ordercert` (conformance/cli.ts) in this process and, as it exits, prints its peak memory on stderr as
 * `ordercert-max-rss-kb <n>`: how the hostile table measures the suite's own process, on any platform.
 */
import { main } from '../../conformance/cli.js';

process.on('exit', () => process.stderr.write(`\nordercert-max-rss-kb ${process.resourceUsage().maxRSS}\n`));
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
