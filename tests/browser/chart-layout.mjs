// Checks the layout of every chart and map SVG under a built salud site, in headless Chromium, and
// reports what it found as JSON on stdout, for tests/chart_layout.rs to judge:
//   node chart-layout.mjs PUBLIC_DIR
// For each SVG (wide and -narrow): no two <text> boxes intersect by more than 1 px, no text
// leaves the viewBox, and every reference label (class="reference") ends with a number. The
// SVGs are inlined a few hundred to a page (getBBox needs inline SVG), read here from disk.
import { chromium } from "playwright-core";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const publicDir = path.resolve(process.argv[2]);
const BATCH = 300;

async function chartFiles(dir, out) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chartFiles(full, out);
    else if (entry.name.endsWith(".svg") && ["charts", "maps"].includes(path.basename(dir))) out.push(full);
    // An indicator's world map, indicators/<id>/map.svg.
    else if (/^map(-narrow)?\.svg$/.test(entry.name)) out.push(full);
  }
  return out;
}

const files = (await chartFiles(publicDir, [])).sort();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || undefined, args: ["--no-sandbox"] });
const page = await browser.newPage();
const problems = [];
let texts = 0;
let references = 0;
let minNarrowFont = Infinity;
for (let i = 0; i < files.length; i += BATCH) {
  const batch = files.slice(i, i + BATCH);
  const bodies = await Promise.all(batch.map((f) => readFile(f, "utf8")));
  // Each SVG drawn at its viewBox size, so its units are CSS pixels.
  const html = "<!doctype html><html><body style=\"margin:0\">" + bodies.map((svg, k) => {
    const [, w, h] = svg.match(/viewBox="0 0 (\d+) (\d+)"/) || [0, 0, 0];
    return `<div data-k="${k}">${svg.replace("<svg ", `<svg width="${w}" height="${h}" `)}</div>`;
  }).join("") + "</body></html>";
  await page.setContent(html, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  const found = await page.evaluate(() => {
    const out = [];
    for (const div of document.querySelectorAll("div[data-k]")) {
      const svg = div.querySelector("svg");
      const vb = svg.viewBox.baseVal;
      const items = Array.from(svg.querySelectorAll("text")).map((t) => {
        const b = t.getBBox();
        return { text: t.textContent, cls: t.getAttribute("class") || "", size: parseFloat(getComputedStyle(t).fontSize), x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
      }).filter((t) => t.text.trim() !== "");
      const problems = [];
      const tol = 1;
      for (const t of items) {
        if (t.x0 < vb.x - tol || t.y0 < vb.y - tol || t.x1 > vb.x + vb.width + tol || t.y1 > vb.y + vb.height + tol) {
          problems.push({ kind: "outside", text: t.text });
        }
        if (t.cls === "reference" && !/\d$/.test(t.text.trim())) problems.push({ kind: "reference without its number", text: t.text });
      }
      for (let a = 0; a < items.length; a++) {
        for (let b = a + 1; b < items.length; b++) {
          const p = items[a], q = items[b];
          const w = Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0);
          const h = Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0);
          if (w > tol && h > tol) problems.push({ kind: "overlap", text: `${p.text} | ${q.text}` });
        }
      }
      const refLines = svg.querySelectorAll("polyline.reference").length;
      const refLabels = items.filter((t) => t.cls === "reference").length;
      if (refLabels !== refLines) problems.push({ kind: "reference line without its label", text: `${refLines} lines, ${refLabels} labels` });
      out.push({ k: +div.dataset.k, texts: items.length, references: refLabels, minFont: Math.min(...items.map((t) => t.size)), problems });
    }
    return out;
  });
  for (const r of found) {
    const file = path.relative(publicDir, batch[r.k]);
    texts += r.texts;
    references += r.references;
    if (file.endsWith("-narrow.svg")) minNarrowFont = Math.min(minNarrowFont, r.minFont);
    for (const p of r.problems) problems.push({ file, ...p });
  }
}

// How wide a phone (375 px) shows a narrow chart, to judge its smallest text on screen.
let narrowShown = null;
const peru = path.join(publicDir, "peru", "index.html");
try {
  const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
  await phone.goto("file://" + peru);
  narrowShown = await phone.evaluate(() => {
    const img = document.querySelector("figure.chart img");
    return img ? img.clientWidth : null;
  });
} catch { /* a site without Peru */ }
await browser.close();
const narrowWidth = files.length ? +((await readFile(files.find((f) => f.endsWith("-narrow.svg")), "utf8")).match(/viewBox="0 0 (\d+)/) || [0, 0])[1] : 0;
console.log(JSON.stringify({ files: files.length, texts, references, minNarrowFont, narrowWidth, narrowShown, problems }));
