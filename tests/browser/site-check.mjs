// Opens a built salud site in headless Chromium the way readers do, and reports what broke,
// as JSON on stdout, for tests/browser.rs to judge:
//   node site-check.mjs PUBLIC_DIR
// It serves PUBLIC_DIR under /profiles/ on 127.0.0.1 (a sub-path, as on GitHub Pages), and
// also opens it from file://. From the home and Peru pages in both languages it follows every
// link, switches language, uses the search box, and runs axe-core on the home and Peru pages.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const publicDir = path.resolve(process.argv[2]);
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
  ".png": "image/png", ".pdf": "application/pdf", ".csv": "text/csv", ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain" };

// A plain static host: /profiles/x serves PUBLIC_DIR/x, a folder serves its index.html,
// anything else is a 404 with the site's 404 page.
const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith("/profiles/")) { res.writeHead(404); return res.end(); }
  rel = rel.slice("/profiles/".length);
  let file = path.join(publicDir, rel);
  if (!file.startsWith(publicDir)) { res.writeHead(403); return res.end(); }
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(await readFile(path.join(publicDir, "404.html")).catch(() => ""));
  }
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const httpRoot = `http://127.0.0.1:${server.address().port}/profiles/`;
const fileRoot = pathToFileURL(publicDir).href + "/";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
// Linked pages are opened in a second browser that loads no images: their console and their
// anchors are what is checked there (the start pages' images are checked one by one), and
// hundreds of pages load several times faster.
const linkBrowser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--blink-settings=imagesEnabled=false"],
});
const linkContext = await linkBrowser.newContext();
const report = { pages: [], broken: [], consoleErrors: [], axe: [], languageSwitch: [], search: [], offsite: [], weight: [] };

// Whether a link target exists: pages are opened (and their #anchor looked for); files are
// requested over HTTP or looked up on disk for file://.
async function exists(url) {
  const target = new URL(url);
  if (target.protocol === "file:") {
    try {
      const p = decodeURIComponent(target.pathname);
      const s = await stat(p);
      return s.isFile() || (await stat(path.join(p, "index.html")).then(() => true, () => false));
    } catch { return false; }
  }
  const response = await fetch(target.href.split("#")[0]);
  return response.status < 400;
}

function watch(page, where) {
  page.on("console", (m) => { if (m.type() === "error") report.consoleErrors.push({ where: where(), text: m.text() }); });
  page.on("pageerror", (e) => report.consoleErrors.push({ where: where(), text: String(e) }));
  // A load cut short by the next navigation is not a failure.
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") report.consoleErrors.push({ where: where(), text: `request failed: ${r.url()}` });
  });
  page.on("response", (r) => { if (r.status() >= 400) report.consoleErrors.push({ where: where(), text: `${r.status()} ${r.url()}` }); });
}

const page = await context.newPage();
let current = "";
watch(page, () => current);

async function open(url) {
  current = url;
  await page.goto(url, { waitUntil: "load" });
}

// Opens linked pages a few at a time; each must load without console errors and hold the
// anchor its link points at.
async function visit(pages) {
  const queue = [...pages];
  async function worker() {
    const tab = await linkContext.newPage();
    let here = "";
    watch(tab, () => here);
    for (let item = queue.shift(); item; item = queue.shift()) {
      here = item.href;
      await tab.goto(item.href, { waitUntil: "load" });
      const anchor = item.href.split("#")[1];
      if (anchor && !(await tab.$(`[id="${anchor}"]`))) report.broken.push({ from: item.from, href: item.href, why: "no such anchor" });
    }
    await tab.close();
  }
  await Promise.all([worker(), worker(), worker()]);
}

const starts = ["index.html", "peru/index.html", "es/index.html", "es/peru/index.html"];
for (const root of [fileRoot, httpRoot]) {
  const toVisit = new Map();
  for (const start of starts) {
    const url = root + start;
    await open(url);
    report.pages.push(url);
    const links = await page.$$eval("a[href]", (as) => as.map((a) => ({ href: a.href, download: a.hasAttribute("download") })));
    // What the page itself loads, lazy images included, must exist too.
    const assets = await page.$$eval("img[src], source[srcset], link[href], script[src]", (els) =>
      els.map((e) => e.src || e.href || new URL(e.getAttribute("srcset"), document.baseURI).href));
    for (const href of assets) {
      if (href.startsWith(root) && !(await exists(href))) report.broken.push({ from: url, href, why: "not found" });
    }
    const seen = new Set();
    for (const link of links) {
      const href = link.href;
      if (seen.has(href)) continue;
      seen.add(href);
      if (!href.startsWith(root)) {
        // Links to the sources' own sites: counted, not followed (no network here).
        if (/^https?:/.test(href) && !href.startsWith("http://127.0.0.1")) report.offsite.push(href);
        else report.broken.push({ from: url, href, why: "leaves the site's folder" });
        continue;
      }
      const base = href.split("#")[0];
      if (!(await exists(base))) { report.broken.push({ from: url, href, why: "not found" }); continue; }
      if (!link.download && (base.endsWith(".html") || base.endsWith("/")) && !toVisit.has(href)) toVisit.set(href, { href, from: url });
    }
  }
  await visit(toVisit.values());
  report.followed = (report.followed || 0) + toVisit.size;

  // The switcher leads to the same page in the other language.
  await open(root + "peru/index.html");
  await page.click("nav.languages a[hreflang=es]");
  await page.waitForLoadState("load");
  report.languageSwitch.push({ from: "peru/index.html", to: page.url().slice(root.length), lang: await page.getAttribute("html", "lang"), h1: await page.textContent("h1") });
  await page.click("nav.languages a[hreflang=en]");
  await page.waitForLoadState("load");
  report.languageSwitch.push({ from: "es/peru/index.html", to: page.url().slice(root.length), lang: await page.getAttribute("html", "lang"), h1: await page.textContent("h1") });

  // Search, from a page two folders deep, in Spanish, without typing the accent.
  await open(root + "es/peru/huanuco/index.html");
  await page.fill("#search-input", "peru");
  await page.waitForSelector("#search-results a");
  const results = await page.$$eval("#search-results a", (as) => as.map((a) => a.textContent));
  await page.fill("#search-input", "mortalidad neonatal");
  await page.waitForFunction(() => document.querySelector("#search-results a")?.textContent.includes("neonatal"));
  const indicator = await page.$eval("#search-results a", (a) => ({ text: a.textContent, href: a.href }));
  await page.fill("#search-input", "peru");
  await page.waitForFunction(() => document.querySelector("#search-results a")?.textContent.startsWith("Perú"));
  await page.press("#search-input", "Enter");
  await page.waitForLoadState("load");
  report.search.push({ root: root.startsWith("file") ? "file" : "http", results, indicator, landed: page.url().slice(root.length) });
}

// Accessibility: axe-core's serious and critical findings on the two busiest pages.
for (const rel of ["index.html", "peru/index.html", "es/index.html", "es/peru/index.html"]) {
  await open(httpRoot + rel);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    report.axe.push({ page: rel, id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) });
  }
}

// Page weight: every byte a desktop reader's browser loads for a page, after scrolling to the
// end so that every lazy chart loads; as files, and gzipped as static hosts send them.
for (const rel of ["peru/index.html", "es/peru/index.html", "nigeria/index.html"]) {
  const tab = await context.newPage();
  const sizes = [];
  const gzipped = [];
  tab.on("response", (r) => {
    const body = r.body();
    sizes.push(body.then((b) => b.length, () => 0));
    gzipped.push(body.then((b) => gzipSync(b).length, () => 0));
  });
  await tab.goto(httpRoot + rel, { waitUntil: "load" });
  for (let y = 0; y < (await tab.evaluate(() => document.body.scrollHeight)); y += 600) {
    await tab.evaluate((to) => window.scrollTo(0, to), y);
    await tab.waitForTimeout(20);
  }
  await tab.waitForLoadState("networkidle");
  const all = await Promise.all(sizes);
  const sent = await Promise.all(gzipped);
  report.weight.push({
    page: rel,
    bytes: all.reduce((a, b) => a + b, 0),
    gzipped: sent.reduce((a, b) => a + b, 0),
    requests: all.length,
  });
  await tab.close();
}

await browser.close();
await linkBrowser.close();
server.close();
process.stdout.write(JSON.stringify(report, null, 1));
