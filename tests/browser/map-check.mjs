// Checks a built site's maps in headless Chromium and saves screenshots of them in use:
//   node map-check.mjs PUBLIC_DIR ARTIFACTS_DIR
// Prints JSON: the world map of neonatal mortality as Chromium draws it (Peru's shapes, their
// fill and title; the legend's classes; the widest shape against the map's width) and the
// Peru page's map as shown at 1280 and 375 px.
import { chromium } from "playwright-core";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [publicDir, artifacts] = process.argv.slice(2);
const url = (rel) => pathToFileURL(path.join(publicDir, rel)).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const report = { world: null, shown: [] };
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url("indicators/neonatal_mortality/map.svg"), { waitUntil: "load" });
  report.world = await page.evaluate(() => {
    const svg = document.querySelector("svg");
    const width = svg.viewBox.baseVal.width;
    const shapes = Array.from(svg.querySelectorAll("[data-place]"));
    // Each drawn area: a country in parts (Russia, Fiji) is a group of paths, one per side of
    // the antimeridian, and no path may cross it.
    const widest = Math.max(...Array.from(svg.querySelectorAll("path")).map((s) => s.getBBox().width));
    const peru = shapes
      .filter((s) => s.getAttribute("data-place") === "peru")
      .map((s) => ({ fill: getComputedStyle(s).fill, title: s.querySelector("title")?.textContent }));
    // Legend: each class's swatch (a small rect) and the range written after it.
    const classes = [];
    for (const rect of svg.querySelectorAll("rect")) {
      const next = rect.nextElementSibling;
      if (rect.getAttribute("width") === "24" && next && next.tagName === "text" && /\d/.test(next.textContent)) {
        classes.push({ fill: getComputedStyle(rect).fill, range: next.textContent });
      }
    }
    return { width, widest, shapes: shapes.length, peru, classes };
  });
  await page.close();
}
for (const [width, height] of [[1280, 800], [375, 740]]) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(url("peru/index.html"), { waitUntil: "load" });
  const map = await page.$("figure.map");
  await map.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector("figure.map img").complete);
  const box = await map.boundingBox();
  const img = await page.$eval("figure.map img", (i) => ({ src: i.currentSrc, width: i.getBoundingClientRect().width, natural: i.naturalWidth }));
  // Beside its chart on a desktop: the pair, else the map alone.
  const shot = width === 1280 ? await page.$(".pair") : map;
  await shot.screenshot({ path: path.join(artifacts, `peru-map-${width}.png`) });
  report.shown.push({ width, left: box.x, right: box.x + box.width, img });
  await page.goto(url("indicators/neonatal_mortality/index.html"), { waitUntil: "load" });
  await page.screenshot({ path: path.join(artifacts, `indicator-neonatal-mortality-${width}.png`) });
  await page.screenshot({ path: path.join(artifacts, `indicator-neonatal-mortality-${width}-full.png`), fullPage: true });
  await context.close();
}
await browser.close();
console.log(JSON.stringify(report));
