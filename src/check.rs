//! `salud check`: everything `build` validates, without writing anything, plus the problems a
//! build need not stop for but a person should look at before publishing: dead links, unused
//! indicators, zeros that mean "not reported", and sudden jumps in a series. Values are only
//! ever flagged, never changed.

use std::collections::{BTreeMap, BTreeSet};

use crate::data::{Data, Measure};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::error::Error;
use crate::output::Output;
use crate::site::Site;

/// Every problem of the site at `root`: load errors and warnings, then the checks below.
pub fn check(root: &std::path::Path) -> Result<Diagnostics, Error> {
    let (mut site, mut diags) = match Site::load(root) {
        Ok(loaded) => loaded,
        Err(mut diags) => {
            leftover_temporary_files(root, &mut diags);
            few_observations_of_what_loads(root, &mut diags);
            return Ok(diags);
        }
    };
    leftover_temporary_files(root, &mut diags);
    unused_indicators(&site.data, &mut diags);
    zeros_and_jumps(&site.root, &site.data, &mut diags);
    few_observations(&site.root, &site.data, site.config.few_observations, &mut diags);
    untranslated(&site, &mut diags);
    untranslated_strings(&site, &mut diags);
    // Links are checked against the site as it would be built; PDFs and PNGs do not change
    // which pages exist, so they are skipped to keep the check fast.
    site.config.pdf = false;
    site.config.chart_png = false;
    site.config.social_images = false;
    let links = links(&site);
    // Every file is listed, but only the pages a link points into are kept whole.
    let read: BTreeSet<String> = links.iter().filter(|l| l.anchor.is_some()).filter_map(|l| l.target.clone()).collect();
    let mut output = Output::keeping(move |path| read.contains(path));
    let options = crate::build::BuildOptions {
        root: site.root.clone(),
        output: None,
        base_url: None,
        progress: false,
        cache: false,
    };
    crate::build::render_into(&site, &options, &mut output)?;
    dead_links(&site, &links, &output, &mut diags);
    Ok(diags)
}

/// Files an import was writing when it was stopped (by a full disk, say): the place file
/// beside each was left as it was, and nothing else reads them, so they would stay unnoticed.
fn leftover_temporary_files(root: &std::path::Path, diags: &mut Diagnostics) {
    let walk = walkdir::WalkDir::new(root.join("data")).sort_by_file_name().into_iter().filter_map(Result::ok);
    for entry in walk.filter(|e| e.file_name().to_string_lossy().ends_with(crate::import::TEMP_SUFFIX)) {
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        diags.push(
            Diagnostic::warning(&rel, "a temporary file left by a salud import that was stopped before it finished")
                .help("delete it: the place file beside it was not changed by that import; import the file again if its values are missing"),
        );
    }
}

/// Every narrative and page without a translation into one of the site's other languages:
/// its readers get the main language's text, with a note.
fn untranslated(site: &Site, diags: &mut Diagnostics) {
    for lang in site.config.languages.keys() {
        for doc in site.content.untranslated(lang) {
            let translation = match doc.file.strip_suffix(".md") {
                Some(stem) => format!("{stem}.{lang}.md"),
                None => format!("{}.{lang}", doc.file),
            };
            diags.push(
                Diagnostic::warning(
                    &doc.file,
                    format!(
                        "no translation into \"{lang}\": its pages show this text in the main language, with a note"
                    ),
                )
                .help(format!("write the translation as {translation}")),
            );
        }
    }
}

/// Interface strings the theme's translation lacks: readers see them in the main language.
fn untranslated_strings(site: &Site, diags: &mut Diagnostics) {
    let theme = &site.theme;
    let parse = |code: &str| theme.i18n.get(code).and_then(|text| toml::from_str::<toml::Table>(text).ok());
    let Some(main) = parse(&site.config.language) else { return };
    for lang in site.config.languages.keys() {
        let Some(other) = parse(lang) else { continue };
        let missing = crate::i18n::missing_keys(&main, &other);
        if !missing.is_empty() {
            let file = format!("themes/{}/i18n/{lang}.toml", site.config.theme);
            diags.push(
                Diagnostic::warning(
                    &file,
                    format!(
                        "{} interface strings are not translated: {}",
                        missing.len(),
                        crate::format::first_few(&missing, 8)
                    ),
                )
                .help(format!(
                    "until they are, pages in \"{lang}\" show them in the main language; add them to {file}"
                )),
            );
        }
    }
}

fn unused_indicators(data: &Data, diags: &mut Diagnostics) {
    let used: BTreeSet<&str> =
        data.places.values().flat_map(|p| p.series.iter().map(|s| s.indicator.as_str())).collect();
    for indicator in data.indicators.iter().filter(|i| !used.contains(i.id.as_str())) {
        diags.push(
            Diagnostic::warning(
                crate::data::CATALOGUE_FILE,
                format!("no place has data for the indicator `{}`", indicator.id),
            )
            .located(&indicator.at)
            .help("add data for it, or remove it from the catalogue if it is not needed"),
        );
    }
}

fn zeros_and_jumps(root: &std::path::Path, data: &Data, diags: &mut Diagnostics) {
    for place in data.places.values() {
        // Values keep only their byte offsets; the file is read again to show the line of
        // the few that are reported.
        let mut file: Option<(String, crate::diagnostic::LineIndex)> = None;
        let mut locate = |at: &std::ops::Range<u32>| -> Option<Location> {
            let (text, lines) = file.get_or_insert_with(|| {
                let text = crate::files::read_text(root, &place.file, &mut Diagnostics::default()).unwrap_or_default();
                let lines = crate::diagnostic::LineIndex::new(&text);
                (text, lines)
            });
            (at.end as usize <= text.len()).then(|| lines.locate(text, at.start as usize..at.end as usize))
        };
        for series in &place.series {
            let Some(indicator) = data.indicator(&series.indicator) else { continue };
            let points = &series.points;
            let jumps = series.jumps();
            for (i, obs) in points.iter().enumerate() {
                if obs.value == 0.0 && indicator.measure == Measure::Rate {
                    diags.push(
                        Diagnostic::warning(&place.file, format!("{} of {} is 0 in {}", indicator.short_name, place.name, obs.year))
                            .with_location(locate(&obs.at))
                            .help("a rate or density of 0 is almost always a source's way of writing \"not reported\"; if so, remove the year"),
                    );
                    continue;
                }
                if jumps[i] {
                    let around: Vec<String> = [i.checked_sub(1), Some(i + 1)]
                        .into_iter()
                        .flatten()
                        .filter_map(|j| points.get(j))
                        .map(|p| format!("{} in {}", crate::format::number(p.value, 3), p.year))
                        .collect();
                    diags.push(
                        Diagnostic::warning(
                            &place.file,
                            format!(
                                "{} of {} jumps to {} in {} (next to {})",
                                indicator.short_name,
                                place.name,
                                crate::format::number(obs.value, 3),
                                obs.year,
                                around.join(" and ")
                            ),
                        )
                        .with_location(locate(&obs.at))
                        .help("a value more than 3 times, or less than a third of, its neighbours is often a typo or a unit change; compare it with the source"),
                    );
                }
            }
        }
    }
}

/// The values from few observations in the place files that load, when others have errors:
/// a person fixing those wants the whole list at once. Loading again costs only on this path.
fn few_observations_of_what_loads(root: &std::path::Path, diags: &mut Diagnostics) {
    let mut again = Diagnostics::default();
    let Some(config) = crate::config::Config::load(root, &mut again) else { return };
    let Some(data) = Data::load(root, config.stale_after_years, &mut again) else { return };
    few_observations(root, &data, config.few_observations, diags);
}

/// One warning per series with values from fewer observations than the indicator's threshold
/// (`site`, or its own), listing each year with its n, at the first of them.
fn few_observations(root: &std::path::Path, data: &Data, site: u32, diags: &mut Diagnostics) {
    for place in data.places.values() {
        // Read again only for a place with such values, to show their lines.
        let mut text: Option<String> = None;
        for series in &place.series {
            let Some(indicator) = data.indicator(&series.indicator) else { continue };
            let threshold = indicator.few_observations(site);
            let few: Vec<&crate::data::Observation> = series.points.iter().filter(|o| o.few(threshold)).collect();
            let Some(first) = few.first() else { continue };
            let listed: Vec<String> = few.iter().filter_map(|o| o.n.map(|n| format!("{}: n = {n}", o.year))).collect();
            let values = if few.len() == 1 { "a value".to_string() } else { format!("{} values", few.len()) };
            let group = series.group.as_ref().map(|g| format!(" ({})", g.value)).unwrap_or_default();
            let text = text.get_or_insert_with(|| {
                crate::files::read_text(root, &place.file, &mut Diagnostics::default()).unwrap_or_default()
            });
            let at = first.at.start as usize..first.at.end as usize;
            let d = Diagnostic::warning(
                &place.file,
                format!(
                    "{}{group} of {} from `{}`: {values} measured on fewer than {threshold} observations ({})",
                    indicator.short_name,
                    place.name,
                    series.source,
                    listed.join("; ")
                ),
            )
            .help("an estimate from so few people, children or households can be far from the truth: use it with caution, and check whether the source advises against publishing it");
            diags.push(if at.end <= text.len() { d.at(text, at) } else { d });
        }
    }
}

/// A link in a narrative or page to another part of the site.
struct Link<'a> {
    doc: &'a crate::content::Document,
    href: String,
    /// The output file it leads to; None when it climbs out of the site.
    target: Option<String>,
    anchor: Option<String>,
}

/// The links of every narrative and page that stay inside the site.
fn links(site: &Site) -> Vec<Link<'_>> {
    let mut documents: Vec<(&crate::content::Document, String)> = Vec::new();
    if let Some(home) = &site.content.home {
        documents.push((home, "index.html".to_string()));
    }
    for (slug, doc) in &site.content.narratives {
        documents.push((doc, format!("{slug}/index.html")));
    }
    for page in &site.content.pages {
        documents.push((&page.doc, format!("{}/index.html", page.slug)));
    }
    let mut links = Vec::new();
    for (doc, page) in documents {
        for href in hrefs(&doc.html) {
            if href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:") {
                continue;
            }
            let (path, anchor) = href.split_once('#').map_or((href.as_str(), None), |(p, a)| (p, Some(a)));
            let target = if path.is_empty() { Some(page.clone()) } else { resolve(&page, path) };
            let target = target.map(|t| if t.is_empty() || t.ends_with('/') { format!("{t}index.html") } else { t });
            let anchor = anchor.filter(|a| !a.is_empty()).map(str::to_string);
            links.push(Link { doc, target, anchor, href });
        }
    }
    links
}

/// Links that lead to no page of the site, or to an anchor the page lacks.
fn dead_links(site: &Site, links: &[Link], output: &Output, diags: &mut Diagnostics) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut has_anchor = |path: &str, anchor: &str| -> bool {
        ids.entry(path.to_string())
            .or_insert_with(|| {
                output.files.get(path).map(|b| html_ids(&String::from_utf8_lossy(b))).unwrap_or_default()
            })
            .contains(anchor)
    };
    for Link { doc, href, target, anchor } in links {
        let problem = match (target, anchor) {
            (None, _) => Some("it leads outside the site".to_string()),
            (Some(t), _) if !output.files.contains_key(t) => Some(format!("there is no page {t}")),
            (Some(t), Some(a)) if !has_anchor(t, a) => Some(format!("{t} has no anchor #{a}")),
            _ => None,
        };
        if let Some(problem) = problem {
            // The source is read again only to point at the link's line.
            let text = std::fs::read_to_string(site.root.join(&doc.file)).unwrap_or_default();
            let at = text.find(&format!("({href}")).map(|i| i + 1).or_else(|| text.find(href.as_str()));
            let d = Diagnostic::warning(&doc.file, format!("the link {href} leads nowhere: {problem}"))
                .help("links between pages are relative to the page, e.g. ../peru/index.html#key-figures");
            diags.push(match at {
                Some(i) => d.located(&Location::from_span(&text, i..i + href.len())),
                None => d,
            });
        }
    }
}

/// `../chile/index.html` seen from `peru/index.html` is `chile/index.html`; `None` when the
/// link climbs above the site root.
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    Some(if link.ends_with('/') && !joined.is_empty() { format!("{joined}/") } else { joined })
}

fn hrefs(html: &str) -> Vec<String> {
    attribute_values(html, "href=\"")
}

fn html_ids(html: &str) -> BTreeSet<String> {
    attribute_values(html, " id=\"").into_iter().collect()
}

fn attribute_values(html: &str, marker: &str) -> Vec<String> {
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

/// The report as JSON, for CI: one object per problem.
pub fn to_json(diags: &Diagnostics) -> String {
    let items: Vec<serde_json::Value> = diags
        .0
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": if d.is_error() { "error" } else { "warning" },
                "file": d.file,
                "line": d.location.as_ref().map(|l| l.line),
                "column": d.location.as_ref().map(|l| l.column),
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "errors": diags.errors().count(),
        "warnings": diags.warnings().count(),
        "problems": items,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_their_page() {
        assert_eq!(resolve("peru/index.html", "../chile/index.html").as_deref(), Some("chile/index.html"));
        assert_eq!(resolve("peru/index.html", "huanuco/index.html").as_deref(), Some("peru/huanuco/index.html"));
        assert_eq!(resolve("index.html", "../x.html"), None);
        assert_eq!(resolve("about/index.html", "../").as_deref(), Some(""));
    }
}
