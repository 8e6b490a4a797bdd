// The default theme in a real browser: every page kind at 1280 and 360 px,
// light and dark, from file:// and from a server under a sub-path (as on
// GitHub Pages); no page errors, no sideways scrolling, the theme toggle,
// the keyboard, reading without JavaScript, print, and WCAG AA contrast.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import {
  launch, sites, serve, fileUrl, open, screenshot, sidewaysOverflow, overflowCulprits, shownTheme,
} from "./lib.mjs";

const WIDTHS = [1280, 360];
const SCHEMES = ["light", "dark"];

// Pages of notes/ that show every kind of page and every kind of content.
const NOTE_PAGES = [
  ["home", "index.html"],
  ["note-process-vs-thread", "os/process/프로세스-vs-스레드.html"],
  ["note-pcb", "os/process/pcb.html"],
  ["note-sync", "os/sync/동기화.html"],
  ["folder-os", "os/index.html"],
  ["category-os", "categories/os.html"],
  ["categories", "categories/index.html"],
  ["tags", "tags/index.html"],
  ["archive", "archive.html"],
  ["404", "404.html"],
];

const LONG_NOTE = "os/process/프로세스-vs-스레드.html";

let browser;
let site;
let notesServer;
let seedsServer;

function seedPages() {
  if (!site.seeds) return [];
  return readdirSync(site.seeds)
    .filter((f) => /^\d{3}_.*\.html$/.test(f))
    .sort()
    .map((f) => [`seed-${f.slice(0, 3)}`, f]);
}

before(async () => {
  site = sites();
  browser = await launch();
  notesServer = await serve(site.notes, "/gongbu-notes/");
  if (site.seeds) seedsServer = await serve(site.seeds, "/seeds/");
});

after(async () => {
  await browser?.close();
  await notesServer?.close();
  await seedsServer?.close();
});

/** Opens, checks errors and overflow, optionally screenshots, closes. */
async function checkPage(url, { width, colorScheme, shot, ignoreImages = false }) {
  const { page, context, problems } = await open(browser, url, { width, colorScheme, ignoreImages });
  try {
    const over = await sidewaysOverflow(page);
    assert.equal(over, 0, `${url} at ${width}px scrolls sideways by ${over}px: ${(await overflowCulprits(page)).join(", ")}`);
    assert.equal(await shownTheme(page), colorScheme, `${url} does not follow the system's ${colorScheme} theme`);
    if (shot) await screenshot(page, shot);
    assert.deepEqual(problems, [], `${url}: ${problems.join("\n")}`);
  } finally {
    await context.close();
  }
}

describe("every page, served under a sub-path, at 1280/360 px, light/dark", () => {
  test("notes/ pages: no errors, no sideways scrolling (screenshots)", async () => {
    for (const [name, rel] of NOTE_PAGES) {
      for (const width of WIDTHS) {
        for (const colorScheme of SCHEMES) {
          await checkPage(notesServer.url(rel), { width, colorScheme, shot: `${name}-${width}-${colorScheme}` });
        }
      }
    }
  });

  test("seed pages: no errors, no sideways scrolling (screenshots)", async (t) => {
    const pages = seedPages();
    if (pages.length === 0) {
      t.skip("no seed notes were built");
      return;
    }
    for (const [name, rel] of pages) {
      for (const width of WIDTHS) {
        for (const colorScheme of SCHEMES) {
          // The seeds are real notes whose images are missing or remote: images are the
          // build's business (it warns), everything else must load.
          await checkPage(seedsServer.url(rel), { width, colorScheme, shot: `${name}-${width}-${colorScheme}`, ignoreImages: true });
        }
      }
    }
  });

  test("a missing page is answered by the styled 404 page", async () => {
    const { page, context, problems } = await open(browser, notesServer.url("없는-노트.html"));
    try {
      assert.match(await page.locator("h1").first().innerText(), /찾을 수 없습니다/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("from disk (file://)", () => {
  test("every page opens without errors or sideways scrolling", async () => {
    const all = [...NOTE_PAGES.map(([, r]) => [site.notes, r, false]), ...seedPages().map(([, r]) => [site.seeds, r, true])];
    for (const [dir, rel, ignoreImages] of all) {
      for (const width of WIDTHS) {
        await checkPage(fileUrl(dir, rel), { width, colorScheme: width === 360 ? "dark" : "light", ignoreImages });
      }
    }
  });

  test("links between pages work from disk", async () => {
    const { page, context, problems } = await open(browser, fileUrl(site.notes, "index.html"));
    try {
      await page.locator(".note-list .note-link").first().click();
      await page.waitForLoadState("load");
      assert.ok((await page.locator(".note-title").count()) === 1, "a note opened from the home page");
      await page.locator(".site-nav a", { hasText: "보관함" }).click();
      await page.waitForLoadState("load");
      assert.match(page.url(), /archive\.html$/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("theme toggle", () => {
  for (const [how, urlOf] of [
    ["served", () => notesServer.url(LONG_NOTE)],
    ["file://", () => fileUrl(site.notes, LONG_NOTE)],
  ]) {
    test(`switches and is remembered across a reload (${how})`, async () => {
      const { page, context, problems } = await open(browser, urlOf(), { colorScheme: "light" });
      try {
        const codeBg = () => page.evaluate(() => getComputedStyle(document.querySelector("pre.code") || document.body).backgroundColor);
        const keyword = () =>
          page.evaluate(() => {
            const span = document.querySelector("pre.code [class*='hl-']");
            return span ? getComputedStyle(span).color : "";
          });
        assert.equal(await shownTheme(page), "light");
        const lightCode = [await codeBg(), await keyword()];
        await page.locator(".theme-toggle").click();
        assert.equal(await shownTheme(page), "dark");
        assert.equal(await page.getAttribute("html", "data-theme"), "dark");
        const darkCode = [await codeBg(), await keyword()];
        assert.notDeepEqual(darkCode, lightCode, "code blocks change with the theme");
        assert.match(await page.getAttribute(".theme-toggle", "aria-label"), /밝은/);
        await page.reload({ waitUntil: "load" });
        assert.equal(await shownTheme(page), "dark", "dark is remembered after a reload");
        await screenshot(page, `toggle-dark-${how === "served" ? "served" : "file"}`, { fullPage: false });
        await page.locator(".theme-toggle").click();
        assert.equal(await shownTheme(page), "light");
        await page.reload({ waitUntil: "load" });
        assert.equal(await shownTheme(page), "light", "light is remembered after a reload");
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test("a reader's choice wins over the system's dark theme", async () => {
    const { page, context, problems } = await open(browser, notesServer.url("index.html"), { colorScheme: "dark" });
    try {
      assert.equal(await shownTheme(page), "dark");
      assert.match(await page.getAttribute(".theme-toggle", "aria-label"), /밝은/);
      await page.locator(".theme-toggle").click();
      assert.equal(await shownTheme(page), "light");
      await page.goto(notesServer.url(LONG_NOTE), { waitUntil: "load" });
      assert.equal(await shownTheme(page), "light", "the choice holds on the next page");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("keyboard", () => {
  test("the first Tab shows the skip link, Enter moves to the content", async () => {
    for (const width of WIDTHS) {
      const { page, context, problems } = await open(browser, notesServer.url(LONG_NOTE), { width });
      try {
        await page.keyboard.press("Tab");
        const skip = await page.evaluate(() => {
          const a = document.activeElement;
          const r = a.getBoundingClientRect();
          const s = getComputedStyle(a);
          return { cls: a.className, text: a.textContent, left: r.left, top: r.top, right: r.right, outline: s.outlineStyle, outlineWidth: s.outlineWidth };
        });
        assert.equal(skip.cls, "skip-link");
        assert.equal(skip.text, "본문으로 건너뛰기");
        assert.ok(skip.left >= 0 && skip.top >= 0 && skip.right <= width, `skip link on screen: ${JSON.stringify(skip)}`);
        assert.notEqual(skip.outline, "none", "focus is visible");
        if (width === 360) await screenshot(page, "skip-link-360", { fullPage: false });
        await page.keyboard.press("Enter");
        assert.equal(await page.evaluate(() => document.activeElement.id), "main");
        await page.keyboard.press("Tab");
        const next = await page.evaluate(() => document.activeElement.closest("main") !== null);
        assert.ok(next, "the next Tab stays in the content");
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  });

  test("every focusable control shows a visible focus ring", async () => {
    const { page, context } = await open(browser, notesServer.url(LONG_NOTE));
    try {
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const a = document.activeElement;
          const s = getComputedStyle(a);
          return { tag: a.tagName, cls: a.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
        });
        assert.ok(
          (f.outline !== "none" && f.width >= 2) || f.shadow !== "none",
          `focus ring on ${f.tag}.${f.cls}: ${JSON.stringify(f)}`,
        );
      }
    } finally {
      await context.close();
    }
  });

  test("'/' focuses the search box", async () => {
    const { page, context } = await open(browser, notesServer.url("index.html"));
    try {
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement.name), "q");
    } finally {
      await context.close();
    }
  });
});

describe("Korean reading", () => {
  test("the page says it is Korean and describes itself", async () => {
    const { page, context } = await open(browser, notesServer.url(LONG_NOTE));
    try {
      assert.equal(await page.getAttribute("html", "lang"), "ko");
      const meta = await page.evaluate(() => {
        const get = (sel) => document.querySelector(sel)?.getAttribute("content") ?? null;
        return {
          description: get('meta[name="description"]'),
          ogTitle: get('meta[property="og:title"]'),
          ogType: get('meta[property="og:type"]'),
          ogDescription: get('meta[property="og:description"]'),
          viewport: get('meta[name="viewport"]'),
        };
      });
      assert.ok(meta.description && meta.description.length > 5, JSON.stringify(meta));
      assert.equal(meta.ogDescription, meta.description);
      assert.equal(meta.ogType, "article");
      assert.ok(meta.ogTitle.includes("프로세스"));
      assert.match(meta.viewport, /width=device-width/);
      assert.match(await page.locator(".note-meta .reading-time").innerText(), /^\d+분 분량$/);
      const body = await page.evaluate(() => {
        const s = getComputedStyle(document.querySelector(".note-body p"));
        return { wordBreak: s.wordBreak, overflowWrap: s.overflowWrap, lineHeight: parseFloat(s.lineHeight) / parseFloat(s.fontSize) };
      });
      assert.equal(body.wordBreak, "keep-all");
      assert.equal(body.overflowWrap, "anywhere");
      assert.ok(body.lineHeight >= 1.6 && body.lineHeight <= 1.9, `line height ${body.lineHeight}`);
    } finally {
      await context.close();
    }
  });

  test("box drawings line up: every box-drawing character sits on its column", async () => {
    const pages = [notesServer.url("os/process/pcb.html"), notesServer.url("os/memory/가상-메모리.html")];
    for (const [name, rel] of seedPages()) if (name === "seed-003") pages.push(seedsServer.url(rel));
    let checked = 0;
    for (const url of pages) {
      for (const width of WIDTHS) {
        const { page, context } = await open(browser, url, { width });
        try {
          const r = await page.evaluate(() => {
            // Columns as an editor counts them: East Asian wide characters take two.
            const wide = (cp) =>
              (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
              (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa960 && cp <= 0xa97f) ||
              (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
              (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff);
            const out = { blocks: 0, chars: 0, off: [] };
            for (const pre of document.querySelectorAll("pre.code.aligned")) {
              out.blocks++;
              const code = pre.querySelector("code");
              // The width of one column: ten zeros in the block's own font.
              const probe = document.createElement("span");
              probe.textContent = "0000000000";
              code.appendChild(probe);
              const ch = probe.getBoundingClientRect().width / 10;
              probe.remove();
              const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
              let line = 0;
              let col = 0;
              let lineStart = null;
              const range = document.createRange();
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.data;
                for (let i = 0; i < text.length; i++) {
                  const cp = text.codePointAt(i);
                  const len = cp > 0xffff ? 2 : 1;
                  if (text[i] === "\n") { line++; col = 0; lineStart = null; continue; }
                  range.setStart(node, i);
                  range.setEnd(node, i + len);
                  const rect = range.getBoundingClientRect();
                  if (col === 0) lineStart = rect.left;
                  if (cp >= 0x2500 && cp <= 0x257f && lineStart !== null) {
                    out.chars++;
                    const expected = lineStart + col * ch;
                    if (Math.abs(rect.left - expected) > 1) {
                      out.off.push(`block ${out.blocks} line ${line + 1} col ${col} '${text[i]}': ${rect.left.toFixed(1)} vs ${expected.toFixed(1)}`);
                    }
                  }
                  col += wide(cp) ? 2 : 1;
                  i += len - 1;
                }
              }
            }
            return out;
          });
          assert.ok(r.blocks > 0, `${url} has diagrams`);
          assert.deepEqual(r.off.slice(0, 10), [], `${decodeURIComponent(url)} at ${width}px`);
          checked += r.chars;
        } finally {
          await context.close();
        }
      }
    }
    assert.ok(checked > 200, `checked ${checked} box-drawing characters`);
  });

  test("a long note has its table of contents beside it on a wide screen, above it on a phone", async () => {
    for (const width of WIDTHS) {
      const { page, context } = await open(browser, notesServer.url(LONG_NOTE), { width });
      try {
        const r = await page.evaluate(() => {
          const box = (sel) => document.querySelector(sel).getBoundingClientRect().toJSON();
          return { toc: box(".toc"), body: box(".note-body") };
        });
        if (width === 1280) {
          assert.ok(r.toc.left >= r.body.right, `TOC beside the text: ${JSON.stringify(r)}`);
        } else {
          assert.ok(r.toc.bottom <= r.body.top + 1 && r.toc.right <= width, `TOC above the text: ${JSON.stringify(r)}`);
        }
      } finally {
        await context.close();
      }
    }
  });

  test("the table of contents folds on a phone and marks where the reader is", async () => {
    const phone = await open(browser, notesServer.url(LONG_NOTE), { width: 360 });
    try {
      const { page } = phone;
      assert.equal(await page.locator(".toc details").getAttribute("open"), null, "folded on a phone");
      await page.locator(".toc summary").click();
      assert.notEqual(await page.locator(".toc details").getAttribute("open"), null, "opens on a tap");
      assert.ok(await page.locator(".toc ol").isVisible());
    } finally {
      await phone.context.close();
    }
    const wide = await open(browser, notesServer.url(LONG_NOTE), { width: 1280 });
    try {
      const { page, problems } = wide;
      assert.notEqual(await page.locator(".toc details").getAttribute("open"), null, "open beside the text");
      const links = page.locator(".toc a");
      const last = links.nth((await links.count()) - 1);
      const id = decodeURIComponent((await last.getAttribute("href")).slice(1));
      await page.evaluate((id) => document.getElementById(id).scrollIntoView(), id);
      await page.waitForFunction((id) => {
        const a = document.querySelector(".toc a.active");
        return a && decodeURIComponent(a.getAttribute("href").slice(1)) === id;
      }, id, { timeout: 5000 });
      assert.equal(await page.locator(".toc a.active").count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await wide.context.close();
    }
  });

  test("wide tables and code scroll inside their own boxes on a phone", async () => {
    const pages = [notesServer.url(LONG_NOTE), notesServer.url("os/process/pcb.html")];
    for (const [, rel] of seedPages()) pages.push(seedsServer.url(rel));
    let boxes = 0;
    for (const url of pages) {
      const { page, context } = await open(browser, url, { width: 360 });
      try {
        const found = await page.evaluate(() =>
          [...document.querySelectorAll(".table-wrap, pre.code")].map((el) => {
            const r = el.getBoundingClientRect();
            return { cls: el.className, right: r.right, left: r.left, wide: el.scrollWidth > el.clientWidth, overflowX: getComputedStyle(el).overflowX };
          }),
        );
        for (const b of found) {
          assert.ok(b.left >= 0 && b.right <= 360, `${url}: ${JSON.stringify(b)}`);
          if (b.wide) {
            assert.ok(["auto", "scroll"].includes(b.overflowX), `${url}: a wide ${b.cls} scrolls: ${JSON.stringify(b)}`);
            boxes++;
          }
        }
      } finally {
        await context.close();
      }
    }
    assert.ok(boxes > 0, "some tables or code blocks are wider than a phone and scroll in their boxes");
  });

  test("readable without JavaScript", async () => {
    for (const width of WIDTHS) {
      const { page, context, problems } = await open(browser, notesServer.url(LONG_NOTE), { width, javaScript: false });
      try {
        assert.ok((await page.locator(".note-body").innerText()).length > 500);
        assert.equal(await sidewaysOverflow(page), 0);
        assert.ok(await page.locator(".toc").isVisible());
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  });

  test("print hides the site's chrome and keeps the text", async () => {
    const { page, context } = await open(browser, notesServer.url(LONG_NOTE), { colorScheme: "dark" });
    try {
      await page.emulateMedia({ media: "print", colorScheme: "dark" });
      const shown = await page.evaluate(() => {
        const visible = (sel) => {
          const el = document.querySelector(sel);
          return !!el && getComputedStyle(el).display !== "none";
        };
        return {
          header: visible(".site-header"),
          toc: visible(".toc"),
          body: visible(".note-body"),
          bg: getComputedStyle(document.body).backgroundColor,
          color: getComputedStyle(document.body).color,
        };
      });
      assert.deepEqual(
        { header: shown.header, toc: shown.toc, body: shown.body },
        { header: false, toc: false, body: true },
      );
      assert.equal(shown.bg, "rgb(255, 255, 255)", "paper is white even in dark mode");
      assert.equal(shown.color, "rgb(0, 0, 0)");
      await page.pdf({ path: `${process.env.SCREENSHOT_DIR || "target/screenshots"}/print-process-vs-thread.pdf` });
    } finally {
      await context.close();
    }
  });
});

describe("contrast (WCAG AA)", () => {
  // Every element that has its own text, against the background it is drawn on.
  async function lowContrast(page) {
    return page.evaluate(() => {
      // Computed colours come as rgb()/rgba() (0–255) or, from color-mix(), as
      // color(srgb r g b / a) with channels in 0–1.
      const parse = (c) => {
        const m = c.match(/[\d.]+/g);
        if (!m) return null;
        const [r, g, b, a = 1] = m.map(Number);
        const k = c.startsWith("color(srgb") ? 255 : 1;
        return { r: r * k, g: g * k, b: b * k, a };
      };
      const over = (fg, bg) => ({
        r: fg.r * fg.a + bg.r * (1 - fg.a),
        g: fg.g * fg.a + bg.g * (1 - fg.a),
        b: fg.b * fg.a + bg.b * (1 - fg.a),
        a: 1,
      });
      const cache = new Map();
      const background = (el) => {
        if (!el) return { r: 255, g: 255, b: 255, a: 1 };
        if (cache.has(el)) return cache.get(el);
        const c = parse(getComputedStyle(el).backgroundColor);
        const under = c && c.a >= 1 ? null : background(el.parentElement);
        const bg = !c || c.a === 0 ? under : under ? over(c, under) : c;
        cache.set(el, bg);
        return bg;
      };
      const lum = ({ r, g, b }) => {
        const f = (v) => {
          v /= 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const bad = [];
      // Column spans of aligned blocks have their block's colours: checked with the block.
      for (const el of document.querySelectorAll("body *:not(.w1):not(.w2)")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        const s = getComputedStyle(el);
        if (s.visibility === "hidden" || s.display === "none" || parseFloat(s.opacity) === 0) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.right < 0) continue;
        const bg = background(el);
        const fg = over(parse(s.color), bg);
        const size = parseFloat(s.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
        const need = large ? 3 : 4.5;
        const got = ratio(fg, bg);
        if (got < need) {
          bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${s.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)}) = ${got.toFixed(2)} < ${need}`);
        }
      }
      return [...new Set(bad)];
    });
  }

  for (const colorScheme of SCHEMES) {
    test(`all text meets AA in the ${colorScheme} theme (code tokens included)`, async () => {
      const urls = [...NOTE_PAGES.map(([, rel]) => notesServer.url(rel)), notesServer.url("til/2026/11/2026-11-03.html"), notesServer.url("os/ipc/ipc.html")];
      for (const [, rel] of seedPages()) urls.push(seedsServer.url(rel));
      const failures = [];
      for (const url of urls) {
        const { page, context } = await open(browser, url, { colorScheme });
        try {
          for (const b of await lowContrast(page)) failures.push(`${decodeURIComponent(url)}: ${b}`);
        } finally {
          await context.close();
        }
      }
      assert.deepEqual([...new Set(failures)].slice(0, 40), []);
    });
  }
});
