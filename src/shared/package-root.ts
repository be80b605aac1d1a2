import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json and specs/: the checkout when run from source, the installed package when run
 * from its build (dist/src/shared/ sits one level deeper than src/shared/).
 */
export function packageRoot(from: string): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'specs'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package root with specs/ above ${fileURLToPath(from)}`);
    dir = parent;
  }
}
