// Shared helpers for the browser tests of built gongbu sites.
//
// `tests/browser/run.sh` builds the sites and passes their folders in the
// environment; every `*.test.mjs` imports what it needs from here:
//
//   import { test, before, after } from "node:test";
//   import assert from "node:assert/strict";
//   import { launch, sites, serve, fileUrl, open, screenshot, sidewaysOverflow } from "./lib.mjs";
//
//   let browser, server;
//   before(async () => {
//     browser = await launch();
//     server = await serve(sites().notes, "/gongbu/");   // a sub-path, like a GitHub project page
//   });
//   after(async () => { await browser.close(); await server.close(); });
//
//   test("…", async () => {
//     const { page, context, problems } = await open(browser, server.url("os/process/pcb.html"), { width: 360, colorScheme: "dark" });
//     try {
//       assert.equal(await sidewaysOverflow(page), 0);
//       await screenshot(page, "pcb-360-dark");
//       assert.deepEqual(problems, []);                  // no page error, console error, failed load
//     } finally {
//       await context.close();
//     }
//   });
//
// fileUrl(sites().notes, "index.html") opens the same page from disk.
//
// Environment:
//   GONGBU_SITE_NOTES   the build of notes/ (required)
//   GONGBU_SITE_SEEDS   the build of the seed notes ("" when there are none)
//   SCREENSHOT_DIR      where screenshots go (default target/screenshots/)
//   CHROMIUM            the browser (default /usr/bin/chromium)

import { createServer } from "node:http";
import { mkdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, normalize, extname, resolve, dirname } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");

/** Chromium flags that work headless in containers and CI. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium (Playwright gives each launch a fresh profile). */
export async function launch() {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath} (apt-get install -y chromium, or set CHROMIUM)`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** The built sites: { notes, seeds } (seeds is null when there are none). */
export function sites() {
  const notes = process.env.GONGBU_SITE_NOTES;
  if (!notes || !existsSync(join(notes, "index.html"))) {
    throw new Error("GONGBU_SITE_NOTES is not a built site: run tests/browser/run.sh");
  }
  const seeds = process.env.GONGBU_SITE_SEEDS;
  return { notes, seeds: seeds && existsSync(join(seeds, "index.html")) ? seeds : null };
}

/** A file:// URL of a page of a built site. */
export function fileUrl(siteDir, rel = "index.html") {
  return pathToFileURL(join(siteDir, rel)).href;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves `siteDir` on 127.0.0.1 under `prefix` (like a GitHub project page,
 * `/repo/`), answering missing files with the site's 404.html.
 * Returns { origin, prefix, url(rel), close() }.
 */
export async function serve(siteDir, prefix = "/site/") {
  const root = resolve(siteDir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("outside the site");
      return;
    }
    let rel = path.slice(prefix.length);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = normalize(join(root, rel));
    const send = (status, f) => {
      res.writeHead(status, { "content-type": TYPES[extname(f).toLowerCase()] || "application/octet-stream" });
      res.end(readFileSync(f));
    };
    if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
      send(200, file);
    } else if (existsSync(join(root, "404.html"))) {
      send(404, join(root, "404.html"));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    prefix,
    url: (rel = "") => origin + prefix + rel.split("/").map(encodeURIComponent).join("/"),
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Opens `url` in a new context: { width (px, default 1280), height,
 * colorScheme ("light" | "dark"), javaScript (default true),
 * ignoreImages (default false: a local image that fails to load is a problem) }.
 * The machine is offline: requests to other hosts are answered empty and are
 * not problems (notes may embed remote images).
 * Returns { page, context, problems } where `problems` collects page errors,
 * console errors and failed loads for the whole life of the page.
 */
export async function open(browser, url, opts = {}) {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? (opts.width && opts.width < 600 ? 740 : 900) },
    colorScheme: opts.colorScheme ?? "light",
    javaScriptEnabled: opts.javaScript ?? true,
    deviceScaleFactor: 1,
  });
  await context.route(REMOTE, (route) => route.fulfill({ status: 204, body: "" }));
  // Generous limits: CI machines are small and may be busy.
  context.setDefaultTimeout(60_000);
  // A page that has not loaded in a minute on a starved machine gets one more try
  // in a fresh tab; anything else that goes wrong is reported as it is.
  let page;
  let problems;
  for (let attempt = 1; ; attempt++) {
    page = await context.newPage();
    problems = watch(page, opts);
    try {
      await page.goto(url, { waitUntil: "load", timeout: 60_000 });
      break;
    } catch (e) {
      if (attempt >= 2 || e.name !== "TimeoutError") throw e;
      console.log(`# ${url}: no load event in 60 s, trying once more`);
      await page.close().catch(() => {});
    }
  }
  await page.evaluate(() => document.fonts && document.fonts.ready).catch(() => {});
  return { page, context, problems };
}

/** Requests that would leave this machine (anything but file:, data: and 127.0.0.1). */
export const REMOTE = /^https?:\/\/(?!(127\.0\.0\.1|localhost)[:/])/;

/**
 * Collects page errors, console errors and failed loads of `page`;
 * `{ ignoreImages: true }` leaves out images that fail to load.
 */
export function watch(page, { ignoreImages = false } = {}) {
  const problems = [];
  const ignored = (request) => ignoreImages && request.resourceType() === "image";
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!ignored(r)) problems.push(`request failed: ${decodeURI(r.url())} ${r.failure()?.errorText ?? ""}`);
  });
  page.on("response", (r) => {
    // A sub-resource that 404s is a broken link; the page itself may be the 404 page.
    if (r.status() >= 400 && r.request().resourceType() !== "document") {
      if (!ignored(r.request())) problems.push(`HTTP ${r.status()}: ${decodeURI(r.url())}`);
    }
  });
  page.on("console", (m) => {
    // Chromium also logs every failed load; those are counted (or ignored) above.
    if (m.type() === "error" && !/^Failed to load resource/.test(m.text())) {
      problems.push(`console error: ${m.text()} (${m.location().url})`);
    }
  });
  return problems;
}

/** How far the page scrolls sideways (0 when it does not). */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const s = document.scrollingElement || document.documentElement;
    return Math.max(0, s.scrollWidth - window.innerWidth);
  });
}

/** Elements wider than the viewport that are not inside a scrolling box (to explain an overflow). */
export async function overflowCulprits(page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 1 && out.length < 8) {
        let p = el.parentElement;
        let scrolled = false;
        while (p) {
          const o = getComputedStyle(p).overflowX;
          if (o === "auto" || o === "scroll" || o === "hidden") { scrolled = true; break; }
          p = p.parentElement;
        }
        if (!scrolled) out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
      }
    }
    return out;
  });
}

/** The screenshot folder (created). */
export function screenshotDir() {
  const dir = process.env.SCREENSHOT_DIR || join(repoRoot, "target", "screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a PNG named `name` in the screenshot folder; returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const path = join(screenshotDir(), `${name.replace(/[^\p{L}\p{N}._-]+/gu, "_")}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The theme the page shows now: "dark" or "light", from the body's background. */
export async function shownTheme(page) {
  return page.evaluate(() => {
    const m = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g);
    if (!m) return "unknown";
    const [r, g, b] = m.map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5 ? "dark" : "light";
  });
}

/** Reads a file of a built site as text. */
export function siteText(siteDir, rel) {
  return readFileSync(join(siteDir, rel), "utf8");
}
