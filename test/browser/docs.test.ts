/**
 * /docs in a real headless Chromium (Debian's, driven by playwright-core): the three specs' operations rendered
 * by Swagger UI from the server's own files, no failed request and no console error, and one "try it out" call
 * answered 200 by the reference server with a demo tenant's credentials.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import YAML from 'yaml';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const CHROMIUM = '/usr/bin/chromium';
const APIS = ['cart', 'activation', 'ethernet'] as const;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const spec = (api: string) => YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'openapi.yaml'), 'utf8'));
const operationsOf = (api: string) =>
  Object.entries<any>(spec(api).paths)
    .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

describe('API docs in the browser', function () {
  this.timeout(120_000);
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-browser-'));

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    server = await startTestServer();
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  });
  after(async () => {
    await context?.close();
    await server?.stop();
    fs.rmSync(path.join(tmp, 'profile'), { recursive: true, force: true }); // the screenshot stays
  });

  /** The operations Swagger UI shows for the selected spec, as "METHOD /path". */
  async function renderedOperations(): Promise<string[]> {
    const blocks = page.locator('.opblock-summary');
    const methods = await blocks.locator('.opblock-summary-method').allInnerTexts();
    const paths = await blocks.locator('.opblock-summary-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    return methods.map((m, i) => `${m.trim()} ${paths[i]}`).sort();
  }

  it('renders every operation of the three specs, with Markdown, parameters, examples and schemas', async () => {
    await page.goto(`${server.url}/docs/`);
    for (const api of APIS) {
      const title = spec(api).info.title;
      await page.locator('.topbar select').selectOption({ label: title });
      await page.locator('.info .title', { hasText: title }).waitFor({ timeout: 20_000 });
      await page.locator('.opblock-summary').first().waitFor();
      assert.deepEqual(await renderedOperations(), operationsOf(api), `${api}: rendered operations`);
      // Markdown rendered, in the operations' descriptions too: code spans become <code>, no backtick is left showing.
      const summaries = page.locator('.opblock-summary');
      const openAll = () => page.$$eval('.opblock-summary-control', (els) => els.forEach((e) => (e as HTMLElement).click()));
      await openAll();
      await page.locator('.opblock-body').nth((await summaries.count()) - 1).waitFor();
      const markdown = (await page.locator('.renderedMarkdown').allInnerTexts()).join('\n');
      const tick = markdown.indexOf('`');
      assert.ok(markdown.length > 0 && tick < 0, `${api}: backtick showing: ${markdown.slice(tick - 80, tick + 80)}`);
      assert.ok((await page.locator('.renderedMarkdown code').count()) > 0, `${api}: code spans rendered`);
      await openAll();
      const schemas = Object.keys(spec(api).components?.schemas ?? {}).length;
      assert.equal(await page.locator('.models .model-container').count(), schemas, `${api}: every schema listed`);
    }
    // One operation opened: its parameters and an example answer from the spec.
    await page.locator('.topbar select').selectOption({ label: spec('ethernet').info.title });
    const getOrder = page.locator('.opblock-get', { has: page.locator('[data-path="/orders/{id}"]') });
    await getOrder.locator('.opblock-summary').click();
    await getOrder.locator('.parameters tbody tr').first().waitFor();
    assert.match(await getOrder.locator('.parameters').innerText(), /\bid\b/);
    assert.ok((await getOrder.locator('.responses-table .example, .responses-table .highlight-code').count()) > 0, 'an example answer');
    await getOrder.locator('.opblock-summary').click();
  });

  it('links each API\'s rule catalogue from a one-line top bar; each source is linked once', async () => {
    const labels = { cart: 'Cart rules', activation: 'Service Activation rules', ethernet: 'Ethernet Order rules' };
    for (const api of APIS) {
      await page.goto(`${server.url}/docs/`);
      const bar = page.locator('nav.oc');
      const link = bar.locator('a', { hasText: labels[api] });
      // One line: every link of the bar stands at the same height.
      const tops = await bar.locator('a').evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
      assert.equal(new Set(tops).size, 1, `the top bar wraps: its links stand at ${tops.join(', ')} px`);
      await link.click();
      await page.locator('h1', { hasText: 'Rule catalogue' }).waitFor();
      const catalogue = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'rules.yaml'), 'utf8'));
      const ids = (catalogue.rules as any[]).map((r) => r.id);
      assert.deepEqual(await page.locator('table tr[id]').evaluateAll((rows) => rows.map((r) => r.id)), ids);
      const listed = await page.locator('ol.sources a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      const used = [...new Set((catalogue.rules as any[]).map((r) => r.source))];
      assert.deepEqual(listed, used.map((key) => catalogue.sources[key].url), 'each source linked once, above the table');
      assert.equal(await page.locator('table a[href^="http"]').count(), 0, 'no source link repeated in the table');
      const cells = await page.locator('table tr[id] td:last-child').allInnerTexts();
      assert.ok(cells.every((c) => /^\[\d\]/.test(c)), cells.slice(0, 3).join(' | '));
    }
  });

  it('tries an operation out against the reference server with a demo tenant: 200', async () => {
    await page.goto(`${server.url}/docs/?api=activation`);
    await page.locator('.opblock-summary').first().waitFor({ timeout: 20_000 });
    await page.locator('.btn.authorize').first().click();
    await page.fill('#auth-basic-username', 'alpha');
    await page.fill('#auth-basic-password', 'alpha-secret');
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();
    const services = page.locator('.opblock-get', { has: page.locator('[data-path="/api/2.3.1/services/"]') });
    await services.locator('.opblock-summary').click();
    await services.locator('button.try-out__btn').click();
    const answered = page.waitForResponse((r) => r.url() === `${server.url}/activation/api/2.3.1/services/`);
    await services.locator('button.execute').click();
    const response = await answered;
    assert.equal(response.status(), 200);
    assert.match((await response.request().allHeaders()).authorization ?? '', /^Basic /);
    await services.locator('.live-responses-table tr.response .response-col_status').first().waitFor();
    assert.equal((await services.locator('.live-responses-table tr.response .response-col_status').first().innerText()).trim(), '200');
    await services.locator('.live-responses-table').scrollIntoViewIfNeeded();
    const shot = path.join(tmp, 'docs.png');
    await page.screenshot({ path: shot, fullPage: false });
    console.log(`      screenshot: ${shot}`);
  });

  it('had no failed request and no console error', () => {
    assert.deepEqual(problems, []);
  });
});
