import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (deploy/local/chromium.js installs it); no browser is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where `npm test` keeps its results (git-ignored): screenshots go in a folder per test below it. */
export const TEST_RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', '.local', 'test-results');

/** Headless, and quiet: this machine's network is closed, so Chromium must not try to phone home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Writes a full-page screenshot to TEST_RESULTS_DIR/<folder>/<name>.png for a person to look at. */
export async function screenshot(page: Page, folder: string, name: string): Promise<string> {
  const file = path.join(TEST_RESULTS_DIR, folder, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface TextOverlap {
  readonly container: string;
  readonly first: string;
  readonly second: string;
}

/**
 * Pairs of visible SVG text elements whose bounding boxes intersect, inside each element the
 * selector matches (a chart). Evaluated in the page; the string keeps DOM types out of Node code.
 */
export function overlappingTexts(page: Page, selector: string): Promise<TextOverlap[]> {
  return page.evaluate<TextOverlap[]>(`(() => {
    const overlaps = [];
    for (const container of document.querySelectorAll(${JSON.stringify(selector)})) {
      const boxes = [...container.querySelectorAll('svg text')]
        .filter((text) => text.textContent.trim() !== '' && text.getAttribute('opacity') !== '0'
          && getComputedStyle(text).visibility !== 'hidden' && getComputedStyle(text).display !== 'none')
        .map((text) => ({ text: text.textContent.trim(), box: text.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height > 0);
      for (let i = 0; i < boxes.length; i += 1) {
        for (let j = i + 1; j < boxes.length; j += 1) {
          const a = boxes[i].box;
          const b = boxes[j].box;
          // Half a pixel of grace: glyph boxes of neighbours may touch.
          const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (across > 0.5 && down > 0.5) {
            overlaps.push({ container: container.id, first: boxes[i].text, second: boxes[j].text });
          }
        }
      }
    }
    return overlaps;
  })()`);
}

/** How many SVG text elements with content the selector's elements hold (a test that sees none checks nothing). */
export function svgTextCount(page: Page, selector: string): Promise<number> {
  return page.evaluate<number>(
    `[...document.querySelectorAll(${JSON.stringify(selector)} + ' svg text')].filter((t) => t.textContent.trim() !== '').length`,
  );
}
