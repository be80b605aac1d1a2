/**
 * The framework knows no API: nothing under conformance/framework/ imports a suite (conformance/cart, activation,
 * ethernet), the list of suites (conformance/suites.ts) or anything else of conformance/ outside the framework; the
 * suites are handed to it (the CLI, conformance/index.ts). Its one way out is generated/ (the specs' response
 * validators, which checks the schema of every answer). Read from the sources' import graph, so a new import that
 * reaches up fails here before it ships.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FRAMEWORK = path.join(ROOT, 'conformance/framework');
const GENERATED = path.join(ROOT, 'generated');
const inside = (dir: string, file: string) => file.startsWith(dir + path.sep);

/** Every module a source names: static imports, re-exports, type imports and dynamic import() calls. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

describe('the framework knows no API', () => {
  const files = fs.readdirSync(FRAMEWORK).filter((f) => f.endsWith('.ts'));
  const graph = files.map((file) => ({ file, imports: importsOf(fs.readFileSync(path.join(FRAMEWORK, file), 'utf8')) }));

  it('reads the import graph (the reader finds the imports it must)', () => {
    const runner = graph.find((g) => g.file === 'runner.ts')!;
    assert.ok(runner.imports.includes('./check.js') && runner.imports.includes('./clock.js'), `runner.ts imports read as ${runner.imports.join(', ')}`);
    assert.deepEqual(importsOf(`import type { X } from '../cart/helpers.js';\nexport { y } from "../suites.js";\nconst m = await import('../ethernet/suite.js');\nimport './side-effect.js';`), [
      '../cart/helpers.js',
      '../suites.js',
      './side-effect.js',
      '../ethernet/suite.js',
    ]);
  });

  it('imports only framework modules, generated validators, Node built-ins and packages (never a suite, suites.ts or the package itself)', () => {
    const allowed = (spec: string) => {
      if (!spec.startsWith('.')) return !/^ordercert(\/|$)/.test(spec);
      const target = path.resolve(FRAMEWORK, spec);
      return inside(FRAMEWORK, target) || inside(GENERATED, target);
    };
    const outside = graph.flatMap(({ file, imports }) =>
      imports
        .filter((spec) => !allowed(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(outside, []);
  });
});
