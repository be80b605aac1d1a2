/**
 * Opens a certificate (certificate.html) in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core), saves a screenshot of what a reader sees first, and reports the layout facts a test
 * judges: where the verdict and the failure list are, whether any rule ID breaks across lines, and any
 * request the page made (a self-contained certificate makes none).
 *
 *   node --import tsx scripts/certificate-screenshot.ts CERTIFICATE.html OUT.png [--full-page]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 900 };

export interface CertificateLayout {
  /** Bottom edge (CSS px from the top) of the verdict and of the failure list; the fold is VIEWPORT.height. */
  verdictBottom: number;
  failureListBottom: number | undefined;
  failuresListed: number;
  verdict: string;
  /** Rule IDs whose text runs over more than one line. */
  brokenIds: string[];
  /** Requests other than the certificate itself (none for a self-contained file). */
  requests: string[];
}

export async function screenshotCertificate(htmlFile: string, pngFile: string, fullPage = false): Promise<CertificateLayout> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: VIEWPORT,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const url = pathToFileURL(path.resolve(htmlFile)).href;
    const requests: string[] = [];
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: pngFile, fullPage });
    // A string, not a function: the TypeScript loader's helpers do not exist inside the page.
    const layout: Omit<CertificateLayout, 'requests'> = await page.evaluate(`(() => {
      const bottom = (sel) => {
        const el = document.querySelector(sel);
        return el ? el.getBoundingClientRect().bottom + window.scrollY : undefined;
      };
      const lineCount = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      };
      return {
        verdictBottom: bottom('.v') ?? 1e9,
        failureListBottom: bottom('h2.fails + ol'),
        failuresListed: document.querySelectorAll('h2.fails + ol > li').length,
        verdict: document.querySelector('.v')?.textContent ?? '',
        brokenIds: [...document.querySelectorAll('code.id')].filter((el) => lineCount(el) > 1).map((el) => el.textContent ?? ''),
      };
    })()`);
    return { ...layout, requests };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === new URL(import.meta.url).pathname) {
  const [html, png, flag] = process.argv.slice(2);
  if (!html || !png) {
    console.error('usage: node --import tsx scripts/certificate-screenshot.ts CERTIFICATE.html OUT.png [--full-page]');
    process.exit(2);
  }
  screenshotCertificate(html, png, flag === '--full-page').then(
    (layout) => console.log(JSON.stringify(layout, null, 2)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
