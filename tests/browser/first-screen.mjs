// What a reader sees before scrolling: opens pages of a built site from file:// at a desktop's
// 1280x800 and a phone's 375x740, reports where each headline tile sits against the first
// screen, and saves screenshots of the first screen, the whole page, the tiles and the first
// gap chart.
//   node first-screen.mjs PUBLIC_DIR ARTIFACTS_DIR page/index.html...
// Prints JSON: [{ page, width, height, tiles: [{ name, top, bottom }], rows: { brand, search } }].
import { chromium } from "playwright-core";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [publicDir, artifacts, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const report = [];
for (const [width, height] of [[1280, 800], [375, 740]]) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  for (const rel of pages) {
    await page.goto(pathToFileURL(path.join(publicDir, rel)).href, { waitUntil: "load" });
    const tiles = await page.$$eval(".tile", (els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect();
        return { name: el.querySelector(".tile-name")?.textContent.trim(), top: box.top, bottom: box.bottom };
      }),
    );
    // The masthead's rows: the search box should sit on the brand's row on a desktop.
    const rows = await page.evaluate(() => {
      const mid = (el) => { const b = el.getBoundingClientRect(); return (b.top + b.bottom) / 2; };
      const search = document.getElementById("search");
      return { brand: mid(document.querySelector(".brand")), search: search && !search.hidden ? mid(search) : null };
    });
    const name = rel.replace(/\/?index\.html$/, "").replace(/\//g, "-") || "home";
    await page.screenshot({ path: path.join(artifacts, `${name}-${width}.png`) });
    await page.screenshot({ path: path.join(artifacts, `${name}-${width}-full.png`), fullPage: true });
    // Close-ups a reviewer judges on their own: the headline tiles (with their progress
    // toward the 2030 targets) and the first gap chart (urban and rural).
    const tilesBox = await page.$(".tiles");
    if (tilesBox) await tilesBox.screenshot({ path: path.join(artifacts, `${name}-${width}-tiles.png`) });
    const gap = await page.$("figure.chart:has(img[src*='/gaps-'])");
    if (gap) {
      await gap.scrollIntoViewIfNeeded();
      await gap.screenshot({ path: path.join(artifacts, `${name}-${width}-gap.png`) });
    }
    report.push({ page: rel, width, height, tiles, rows });
  }
  await context.close();
}
await browser.close();
console.log(JSON.stringify(report));
