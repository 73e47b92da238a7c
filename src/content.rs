//! `content/`: narratives and plain pages in Markdown with TOML front matter between `+++`
//! lines. A narrative belongs to the place with the same path: `content/peru/_index.md` (or
//! `content/peru.md`) is Peru's, `content/peru/huanuco.md` is Huánuco's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::data::Data;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::slugify;
use crate::shortcodes::{self, Shortcode};

pub const DIR: &str = "content";

/// How many characters of a summary the PDF profile and link previews show: two sentences or
/// so, which keep the profile on its two pages (a 2,000-word first paragraph made it three).
pub const SUMMARY_CHARS: usize = 300;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// One or two sentences for the home page, the PDF and link previews.
    pub summary: Option<String>,
    /// Orders plain pages in the navigation (lower first).
    pub weight: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The file, relative to the site root.
    pub file: String,
    pub front: FrontMatter,
    /// The rendered Markdown, with a placeholder word where each shortcode goes.
    pub html: String,
    pub shortcodes: Vec<Shortcode>,
    /// The front matter's summary, or the first paragraph as plain text, at most about
    /// [`SUMMARY_CHARS`] characters: what the PDF profile and link previews show.
    pub summary: Option<String>,
    /// The warning that the summary was shortened, given again whenever the file is loaded.
    pub summary_warning: Option<Diagnostic>,
    /// The language it is written in, when it is a translation (`_index.es.md`); `None` for
    /// the site's main language.
    pub lang: Option<String>,
    /// A hash of the file's text (and of the HTML setting), to know it unchanged on reload.
    pub hash: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub doc: Document,
}

#[derive(Debug, Clone, Default)]
pub struct Content {
    pub home: Option<Document>,
    /// Keyed by place path.
    pub narratives: BTreeMap<String, Document>,
    /// Plain pages (about, methodology), in navigation order.
    pub pages: Vec<Page>,
    /// Files other than Markdown (images, PDFs), copied beside the pages: relative paths.
    pub assets: Vec<String>,
    /// The translations (`_index.es.md`), by language code.
    pub translated: BTreeMap<String, Content>,
}

impl Content {
    /// The content readers of `lang` get: each translation where there is one, the main
    /// language's text where not (its `lang` stays `None`, so the page can say so).
    pub fn localized(&self, lang: &str) -> std::borrow::Cow<'_, Content> {
        let Some(t) = self.translated.get(lang) else { return std::borrow::Cow::Borrowed(self) };
        let mut narratives = self.narratives.clone();
        narratives.extend(t.narratives.clone());
        let pages = self
            .pages
            .iter()
            .map(|p| t.pages.iter().find(|tp| tp.slug == p.slug).cloned().unwrap_or_else(|| p.clone()))
            .collect();
        std::borrow::Cow::Owned(Content {
            home: t.home.clone().or_else(|| self.home.clone()),
            narratives,
            pages,
            assets: self.assets.clone(),
            translated: BTreeMap::new(),
        })
    }

    /// Every document that has no translation into `lang`, by file.
    pub fn untranslated(&self, lang: &str) -> Vec<&Document> {
        let empty = Content::default();
        let t = self.translated.get(lang).unwrap_or(&empty);
        let mut missing: Vec<&Document> = Vec::new();
        missing.extend(self.home.iter().filter(|_| t.home.is_none()));
        missing.extend(self.narratives.iter().filter(|(slug, _)| !t.narratives.contains_key(*slug)).map(|(_, d)| d));
        missing.extend(self.pages.iter().filter(|p| !t.pages.iter().any(|tp| tp.slug == p.slug)).map(|p| &p.doc));
        missing
    }
}

/// `languages`: the codes of the site's other languages, whose translations are read.
pub fn load(root: &Path, data: &Data, allow_html: bool, languages: &[String], diags: &mut Diagnostics) -> Content {
    load_again(root, data, allow_html, languages, None, diags)
}

/// [`load`], reusing the documents of `previous` whose text has not changed: while serving a
/// large site, one edited narrative is parsed again, not every one.
pub fn load_again(
    root: &Path,
    data: &Data,
    allow_html: bool,
    languages: &[String],
    previous: Option<&Content>,
    diags: &mut Diagnostics,
) -> Content {
    let mut known: BTreeMap<&str, &Document> = BTreeMap::new();
    if let Some(previous) = previous {
        for content in std::iter::once(previous).chain(previous.translated.values()) {
            let docs =
                content.home.iter().chain(content.narratives.values()).chain(content.pages.iter().map(|p| &p.doc));
            known.extend(docs.map(|d| (d.file.as_str(), d)));
        }
    }
    let places: BTreeSet<&str> = data.places.keys().chain(&data.broken).map(String::as_str).collect();
    let mut content = Content::default();
    let dir = root.join(DIR);
    if !dir.is_dir() {
        return content;
    }
    // The folder is walked in order; the narratives are then read, parsed and checked in
    // parallel, and taken in walk order, so messages and pages do not depend on timing.
    let mut found: Vec<Found> = Vec::new();
    for walked in crate::files::walk(root, DIR) {
        let rel = match walked {
            crate::files::Walked::File(rel) => rel,
            crate::files::Walked::Folder(_) => continue,
            crate::files::Walked::Problem(diagnostic) => {
                found.push(Found::Problem(diagnostic));
                continue;
            }
        };
        let inner = rel.strip_prefix("content/").unwrap_or(&rel);
        let Some(stem) = inner.strip_suffix(".md") else {
            content.assets.push(rel);
            continue;
        };
        let (stem, lang) = match stem.rsplit_once('.') {
            Some((base, code)) if !code.contains('/') => {
                if !languages.iter().any(|l| l == code) {
                    found.push(Found::Problem(
                        Diagnostic::warning(&rel, format!("this looks like a translation into \"{code}\", which config.toml does not list, so it was skipped"))
                            .help(format!("add the language to config.toml ([languages.{code}]), or rename the file without \".{code}\"")),
                    ));
                    continue;
                }
                (base, Some(code.to_string()))
            }
            _ => (stem, None),
        };
        let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem));
        let target = if name == "_index" { folder.to_string() } else { stem.to_string() };
        let slug: String = target.split('/').map(slugify).collect::<Vec<_>>().join("/");
        let stem = stem.to_string();
        found.push(Found::Document { rel, stem, lang, target, slug });
    }
    let read = crate::parallel::map(&found, |item| {
        let Found::Document { rel, slug, .. } = item else { return None };
        let mut own = Diagnostics::default();
        let Some(text) = crate::files::read_text(root, rel, &mut own) else { return Some((None, own)) };
        let hash = crate::cache::fnv1a(&[text.as_bytes(), &[u8::from(allow_html)]]);
        let reused = known.get(rel.as_str()).filter(|d| d.hash == hash).map(|d| (*d).clone());
        let Some(mut doc) = reused.or_else(|| parse(rel, &text, allow_html, &mut own)) else {
            return Some((None, own));
        };
        let own_place = places.contains(slug.as_str()).then_some(slug.as_str());
        check_shortcodes(&mut doc, &text, data, own_place, &mut own);
        own.0.extend(doc.summary_warning.clone());
        // Where a message about the file as a whole points, located while the text is at hand.
        let top = crate::diagnostic::Location::from_span(&text, 0..0);
        Some((Some((doc, top)), own))
    });
    for (item, read) in found.into_iter().zip(read) {
        let (rel, stem, lang, target, slug) = match item {
            Found::Problem(diagnostic) => {
                diags.push(diagnostic);
                continue;
            }
            Found::Document { rel, stem, lang, target, slug } => (rel, stem, lang, target, slug),
        };
        let Some((doc, own)) = read else { continue };
        diags.extend(own);
        let Some((mut doc, top)) = doc else { continue };
        doc.lang = lang.clone();
        let content = match &lang {
            Some(code) => content.translated.entry(code.clone()).or_default(),
            None => &mut content,
        };
        let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem.as_str()));
        if target.is_empty() {
            content.home = Some(doc);
        } else if places.contains(slug.as_str()) {
            if let Some(first) = content.narratives.get(&slug) {
                diags.push(
                    Diagnostic::error(&rel, format!("{} is already the narrative of this place", first.file))
                        .help("keep one narrative per place: merge the two files"),
                );
            } else {
                content.narratives.insert(slug, doc);
            }
        } else if name != "_index" && folder.is_empty() {
            let title = doc.front.title.clone().unwrap_or_else(|| title_from_stem(&stem));
            content.pages.push(Page { slug, title, doc });
        } else {
            diags.push(
                Diagnostic::error(&rel, format!("this narrative is for `{slug}`, but there is no such place"))
                    .located(&top)
                    .help(format!(
                        "a narrative needs a data file with the same path: create data/places/{slug}.toml, or move or rename this file"
                    )),
            );
        }
    }
    content.pages.sort_by(|a, b| (a.doc.front.weight, &a.title).cmp(&(b.doc.front.weight, &b.title)));
    for (code, t) in &mut content.translated {
        let pages = &content.pages;
        t.pages.retain(|p| {
            let known = pages.iter().any(|m| m.slug == p.slug);
            if !known {
                diags.push(
                    Diagnostic::warning(
                        &p.doc.file,
                        format!("this translation into \"{code}\" has no page in the main language, so it was skipped"),
                    )
                    .help(format!(
                        "write content/{}.md first; each language's page list follows the main language's",
                        p.slug
                    )),
                );
            }
            known
        });
    }
    content
}

/// Checks each shortcode of `doc` (whose file holds `text`) against the data and keeps what it
/// asks for; `own_place` is the narrative's place. A shortcode about a place whose file has
/// errors is skipped: that file's errors say enough.
fn check_shortcodes(doc: &mut Document, text: &str, data: &Data, own_place: Option<&str>, diags: &mut Diagnostics) {
    // Made at the first wrong shortcode, so that thousands of them are located in linear time.
    let mut lines: Option<crate::diagnostic::LineIndex> = None;
    for code in &mut doc.shortcodes {
        code.call = None;
        if code.arg("place").or(own_place).is_some_and(|p| data.broken.contains(p)) {
            continue;
        }
        match shortcodes::validate(code, data, own_place) {
            Ok(call) => code.call = Some(call),
            Err((message, help)) => {
                let at = lines
                    .get_or_insert_with(|| crate::diagnostic::LineIndex::new(text))
                    .locate(text, code.span.clone());
                diags.push(Diagnostic::error(&doc.file, message).located(&at).help(help));
            }
        }
    }
}

/// What the walk of `content/` found, in order (assets are taken as they are found).
enum Found {
    Document {
        rel: String,
        stem: String,
        lang: Option<String>,
        target: String,
        slug: String,
    },
    /// A link, a folder that cannot be read, a translation into an unknown language.
    Problem(Diagnostic),
}

fn title_from_stem(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Splits the front matter off, reads it, and renders the Markdown.
pub fn parse(rel: &str, text: &str, allow_html: bool, diags: &mut Diagnostics) -> Option<Document> {
    let (front, front_at, body) = match split_front_matter(text) {
        Ok(Some((front_at, front_text, body))) => match toml::from_str::<FrontMatter>(front_text) {
            Ok(front) => (front, Some((front_at, front_text)), body),
            Err(err) => {
                let mut d = crate::files::toml_error(rel, front_text, &err);
                if let Some(span) = err.span() {
                    d = d.at(text, front_at + span.start..front_at + span.end);
                }
                diags.push(d);
                return None;
            }
        },
        Ok(None) => (FrontMatter::default(), None, text),
        Err(at) => {
            diags.push(
                Diagnostic::error(rel, "the front matter that starts here is never closed")
                    .at(text, at..at + 3)
                    .help("end the front matter with a line holding only +++"),
            );
            return None;
        }
    };
    let body_at = text.len() - body.len();
    let (body, shortcodes) = match shortcodes::extract(body) {
        Ok((body, codes)) => {
            let codes = codes
                .into_iter()
                .map(|c| Shortcode { span: c.span.start + body_at..c.span.end + body_at, ..c })
                .collect::<Vec<_>>();
            (body, codes)
        }
        Err(err) => {
            diags.push(
                Diagnostic::error(rel, err.message)
                    .at(text, err.span.start + body_at..err.span.end + body_at)
                    .help("write shortcodes as {{ value(indicator=\"neonatal_mortality\") }} or {{ chart(family=\"mortality\") }}"),
            );
            return None;
        }
    };
    let Rendered { html, first_paragraph, unsafe_links } = render_markdown(&body, allow_html);
    if !unsafe_links.is_empty() {
        for link in unsafe_links {
            let at = text[body_at..].find(&link).map_or(body_at, |i| body_at + i);
            diags.push(
                Diagnostic::error(rel, format!("the link `{link}` is not a web or e-mail address"))
                    .at(text, at..at + link.len())
                    .help(crate::url::help()),
            );
        }
        return None;
    }
    let from_front = front.summary.is_some();
    let mut summary = front.summary.clone().or(first_paragraph);
    let mut summary_warning = None;
    if let Some(short) = summary.as_deref().and_then(shorten_summary) {
        let chars = summary.as_deref().map_or(0, |s| s.chars().count());
        let (message, help, at) = if from_front {
            (
                format!("the summary is {chars} characters long, so the PDF profile and link previews show only its first {SUMMARY_CHARS}"),
                "write one or two sentences in summary = \"...\"".to_string(),
                front_at.and_then(|(at, front)| summary_key(front).map(|i| at + i)).unwrap_or(0),
            )
        } else {
            (
                format!("the first paragraph, used as the summary, is {chars} characters long, so the PDF profile and link previews show only its first {SUMMARY_CHARS}"),
                "the page shows the paragraph whole; to choose what they show, start the file with three lines: +++, then summary = \"One or two sentences.\", then +++".to_string(),
                first_paragraph_at(&body, &shortcodes, body_at),
            )
        };
        summary_warning = Some(Diagnostic::warning(rel, message).at(text, at..at).help(help));
        summary = Some(short);
    }
    let hash = crate::cache::fnv1a(&[text.as_bytes(), &[u8::from(allow_html)]]);
    Some(Document { file: rel.to_string(), front, html, shortcodes, summary, summary_warning, lang: None, hash })
}

/// `summary` cut to at most [`SUMMARY_CHARS`] characters at the end of a word, with an
/// ellipsis; `None` when it is short enough already.
pub fn shorten_summary(summary: &str) -> Option<String> {
    let cut = summary.char_indices().nth(SUMMARY_CHARS).map(|(i, _)| i)?;
    // Room for the ellipsis.
    let room = summary[..cut].char_indices().last().map_or(0, |(i, _)| i);
    let kept = if summary[room..].starts_with(char::is_whitespace) {
        &summary[..room]
    } else {
        match summary[..room].rfind(char::is_whitespace) {
            Some(space) => &summary[..space],
            // One word longer than the limit.
            None => &summary[..room],
        }
    };
    let kept = kept.trim_end().trim_end_matches([',', ';', ':', '-', '–', '—']).trim_end();
    Some(format!("{kept}…"))
}

/// Where the `summary` key starts in the front matter's text.
fn summary_key(front: &str) -> Option<usize> {
    let mut at = 0;
    for line in front.split_inclusive('\n') {
        if line.trim_start().starts_with("summary") {
            return Some(at + line.len() - line.trim_start().len());
        }
        at += line.len();
    }
    None
}

/// Where the first paragraph starts in the file, from `body` (the Markdown with shortcodes
/// replaced by placeholders) that starts at byte `body_at` of the file.
fn first_paragraph_at(body: &str, codes: &[Shortcode], body_at: usize) -> usize {
    let Some(start) = Parser::new_ext(body, markdown_options())
        .into_offset_iter()
        .find_map(|(event, range)| matches!(event, Event::Start(Tag::Paragraph)).then_some(range.start))
    else {
        return body_at;
    };
    // Each placeholder before it stands for a shortcode of another length.
    let mut shift = 0isize;
    for (i, code) in codes.iter().enumerate() {
        let in_body = (code.span.start - body_at) as isize - shift;
        if in_body >= start as isize {
            break;
        }
        shift += code.span.len() as isize - Shortcode::placeholder(i).len() as isize;
    }
    (body_at as isize + start as isize + shift).max(0) as usize
}

/// Returns the byte offset of the front matter, its text and the body after it, or `Err`
/// with the offset of an opening `+++` that is never closed.
pub fn split_front_matter(text: &str) -> Result<Option<(usize, &str, &str)>, usize> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Ok(None);
    }
    let mut at = first_line_end;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        if text[at..end].trim_end() == "+++" {
            return Ok(Some((first_line_end, &text[first_line_end..at], &text[end..])));
        }
        at = end;
    }
    Err(0)
}

/// What [`render_markdown`] makes of a narrative's Markdown.
pub struct Rendered {
    pub html: String,
    /// The first paragraph as plain text.
    pub first_paragraph: Option<String>,
    /// Link and image addresses with a scheme other than http, https or mailto, left out of
    /// the HTML (see [`crate::url`]).
    pub unsafe_links: Vec<String>,
}

/// Markdown to HTML with tables, footnotes, strikethrough and an anchor on every heading.
pub fn render_markdown(markdown: &str, allow_html: bool) -> Rendered {
    let mut unsafe_links = Vec::new();
    let mut events: Vec<Event> = Parser::new_ext(markdown, markdown_options())
        .map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) if !allow_html => Event::Text(raw),
            // `{#id .class}` names a heading for links and styles; any other attribute
            // (`onfocus=...`) could run script, so only those two are kept.
            Event::Start(Tag::Heading { level, id, classes, attrs: _ }) => {
                Event::Start(Tag::Heading { level, id, classes, attrs: Vec::new() })
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) if !crate::url::is_safe(&dest_url) => {
                unsafe_links.push(dest_url.to_string());
                Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed(""), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) if !crate::url::is_safe(&dest_url) => {
                unsafe_links.push(dest_url.to_string());
                Event::Start(Tag::Image { link_type, dest_url: CowStr::Borrowed(""), title, id })
            }
            other => other,
        })
        .collect();
    add_heading_ids(&mut events);
    let first_paragraph = first_paragraph(&events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, first_paragraph, unsafe_links }
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn add_heading_ids(events: &mut [Event]) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    // The number to try next for each base, so that many headings with one text are numbered
    // in linear time (trying every number from 1 each time made 20,000 of them take 20 s).
    let mut next: BTreeMap<String, usize> = BTreeMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match slugify(&Shortcode::without_placeholders(&text)) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let n = next.entry(base.clone()).or_insert(1);
            while used.contains(&id) {
                id = format!("{base}-{n}");
                *n += 1;
            }
            used.insert(id.clone());
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
        } else if let Event::Start(Tag::Heading { id: Some(id), .. }) = &events[i] {
            used.insert(id.to_string());
        }
        i += 1;
    }
}

fn first_paragraph(events: &[Event]) -> Option<String> {
    let start = events.iter().position(|e| matches!(e, Event::Start(Tag::Paragraph)))?;
    let mut text = String::new();
    for event in &events[start + 1..] {
        match event {
            Event::End(TagEnd::Paragraph) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arbitrary text as a narrative (front matter, Markdown, shortcodes, raw HTML) gives a
    /// document or errors, never a panic; raw HTML never survives unescaped.
    #[test]
    fn arbitrary_narratives_give_errors_never_a_panic() {
        let seed = "+++\ntitle = \"Perú\"\nsummary = \"One line.\"\nweight = 2\n+++\n## Heading\n\n\
            Text with {{ value(indicator=\"neonatal_mortality\") }} and a [link](x.html).\n\n\
            | a | b |\n|---|---|\n| 1 | 2 |\n\nA note[^1].\n\n[^1]: Here.\n\n{{ chart(family=\"mortality\") }}\n";
        let mut rng = crate::arbitrary::Rng::new(0xc0ffee);
        for text in crate::arbitrary::variants(seed, 4000, &mut rng) {
            let mut diags = Diagnostics::default();
            match parse("content/peru/_index.md", &text, false, &mut diags) {
                Some(doc) => assert!(!doc.html.contains("<script"), "{text:?} -> {}", doc.html),
                None => assert!(diags.has_errors(), "no document and no error for {text:?}"),
            }
            for d in &diags.0 {
                let _ = d.to_string();
            }
        }
    }

    /// The attributes of every tag in `html`, as (name, value) pairs.
    fn attributes(html: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let mut rest = tag.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '/');
            while let Some(eq) = rest.find('=') {
                let name = rest[..eq].trim().to_ascii_lowercase();
                let after = rest[eq + 1..].trim_start();
                let (value, next) = match after.strip_prefix('"') {
                    Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
                    None => after.split_once(' ').unwrap_or((after, "")),
                };
                found.push((name, value.replace("&amp;", "&")));
                rest = next;
            }
        }
        found
    }

    /// Generated narratives full of heading attributes and links of every scheme: no event
    /// handler attribute and no unsafe address ever reaches the HTML; unsafe links are errors.
    #[test]
    fn no_script_reaches_the_html_through_attributes_or_links() {
        let seed = "## Hi {#x tabindex=0 autofocus=1 onfocus=document.body.id=1337}\n\n\
            ### Two {.note onclick=alert(1) #two}\n\n\
            [a](javascript:alert(1)) [b](https://who.int) <javascript:alert(2)> ![i](data:text/html,x)\n\n\
            [c][r] [d](JaVaScRiPt:alert(3)) [e](../peru/) [f](mailto:a@b.org) [g](java\tscript:x)\n\n\
            [r]: vbscript:msgbox(1)\n";
        let mut rng = crate::arbitrary::Rng::new(0x5afe);
        let mut refused = 0;
        for text in crate::arbitrary::variants(seed, 3000, &mut rng) {
            let mut diags = Diagnostics::default();
            let html = match parse("content/about.md", &text, false, &mut diags) {
                Some(doc) => doc.html,
                None => {
                    refused += 1;
                    // The HTML a refused document would have had is never published, but it
                    // must be clean all the same.
                    render_markdown(&text, false).html
                }
            };
            for (name, value) in attributes(&html) {
                assert!(!name.starts_with("on"), "{name}={value} from {text:?}:\n{html}");
                if name == "href" || name == "src" {
                    assert!(crate::url::is_safe(&value), "{name}={value} from {text:?}:\n{html}");
                }
            }
        }
        assert!(refused > 1000, "most variants keep an unsafe link and are refused ({refused})");
        let mut diags = Diagnostics::default();
        assert!(parse("content/about.md", "See [a](javascript:alert(1)).\n", false, &mut diags).is_none());
        let shown = diags.0[0].to_string();
        assert!(shown.contains("javascript:alert(1)") && shown.contains("content/about.md:1:9"), "{shown}");
    }

    #[test]
    fn a_shortcode_in_a_heading_stays_out_of_its_anchor() {
        let mut diags = Diagnostics::default();
        let doc = parse("content/x.md", "## Rate {{ value(indicator=\"x\") }} now\n", false, &mut diags).unwrap();
        assert!(doc.html.starts_with("<h2 id=\"rate-now\">Rate saludshortcode0x now</h2>"), "{}", doc.html);
        assert_eq!(Shortcode::without_placeholders("a saludshortcode12x b saludshortcodeZ"), "a  b saludshortcodeZ");
    }

    #[test]
    fn many_headings_with_one_text_are_numbered_in_order() {
        let markdown = "## Data\n\n## Data-1\n\n".to_string() + &"## Data\n\n".repeat(20_000);
        let html = render_markdown(&markdown, false).html;
        assert!(
            html.starts_with("<h2 id=\"data\">Data</h2>\n<h2 id=\"data-1\">Data-1</h2>\n<h2 id=\"data-2\">"),
            "{}",
            &html[..200]
        );
        assert!(html.ends_with("<h2 id=\"data-20001\">Data</h2>\n"), "{}", &html[html.len() - 100..]);
    }

    #[test]
    fn headings_get_unique_anchors() {
        let html = render_markdown("# Salud en Perú\n\n## Datos\n\n## Datos\n", false).html;
        assert!(html.contains(r#"<h1 id="salud-en-peru">"#), "{html}");
        assert!(html.contains(r#"<h2 id="datos">"#));
        assert!(html.contains(r#"<h2 id="datos-1">"#));
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let md = "Hello <script>alert(1)</script>\n\n<div>block</div>\n";
        let escaped = render_markdown(md, false).html;
        assert!(!escaped.contains("<script>"), "{escaped}");
        assert!(escaped.contains("&lt;script&gt;"));
        assert!(escaped.contains("&lt;div&gt;"));
        let raw = render_markdown(md, true).html;
        assert!(raw.contains("<script>"));
    }

    #[test]
    fn tables_and_footnotes_render() {
        let html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.\n", false).html;
        assert!(html.contains("<table>"));
        assert!(html.contains("footnote-definition"));
    }

    #[test]
    fn front_matter_is_split_at_its_closing_line() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let (at, front, body) = split_front_matter(text).unwrap().unwrap();
        assert_eq!((at, front, body), (4, "title = \"A\"\n", "Body\n"));
        assert_eq!(split_front_matter("No front matter"), Ok(None));
        assert_eq!(split_front_matter("+++\ntitle = 1\n"), Err(0));
    }

    #[test]
    fn summary_is_the_first_paragraph_unless_given() {
        let mut diags = Diagnostics::default();
        let doc = parse("content/x.md", "# T\n\nFirst *para*\ngraph.\n\nSecond.\n", false, &mut diags).unwrap();
        assert_eq!(doc.summary.as_deref(), Some("First para graph."));
        let doc = parse("content/x.md", "+++\nsummary = \"Given.\"\n+++\nFirst.\n", false, &mut diags).unwrap();
        assert_eq!(doc.summary.as_deref(), Some("Given."));
    }

    #[test]
    fn a_front_matter_error_points_into_the_file() {
        let mut diags = Diagnostics::default();
        assert!(parse("content/x.md", "+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n", false, &mut diags).is_none());
        let d = &diags.0[0];
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((3, 1)), "{d}");
    }

    #[test]
    fn a_long_summary_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten_summary("Short."), None);
        assert_eq!(shorten_summary(&"a".repeat(SUMMARY_CHARS)), None);
        let words = "Stunting fell, ".repeat(100);
        let short = shorten_summary(&words).unwrap();
        assert!(short.chars().count() <= SUMMARY_CHARS, "{short}");
        assert!(short.ends_with("Stunting fell…"), "no comma before the ellipsis: {short}");
        assert!(words.starts_with(short.trim_end_matches('…')));
        let word = "ñ".repeat(1_000);
        assert_eq!(shorten_summary(&word).unwrap(), format!("{}…", "ñ".repeat(SUMMARY_CHARS - 1)));
        // 200,000 words are cut as fast as 50.
        let long = "word ".repeat(200_000);
        assert_eq!(shorten_summary(&long).unwrap(), format!("{}…", long[..299].trim_end()));
    }

    #[test]
    fn a_shortened_summary_is_said_where_it_is_written() {
        let mut diags = Diagnostics::default();
        let long = "Two sentences would do. ".repeat(20);
        let text = format!("+++\ntitle = \"T\"\nsummary = \"{long}\"\n+++\nFirst.\n");
        let doc = parse("content/x.md", &text, false, &mut diags).unwrap();
        assert!(diags.0.is_empty(), "the warning comes with the document, each time it is loaded");
        let summary = doc.summary.unwrap();
        assert!(summary.ends_with(" would do. Two…") && summary.chars().count() <= 300, "{summary}");
        let warning = doc.summary_warning.unwrap();
        assert!(!warning.is_error());
        assert_eq!(warning.location.map(|l| (l.line, l.column)), Some((3, 1)));

        let text =
            format!("## A {{{{ value(indicator=\"x\") }}}} heading\n\n{{{{ value(indicator=\"x\") }}}} {long}\n");
        let doc = parse("content/x.md", &text, false, &mut diags).unwrap();
        assert!(doc.html.contains(long.trim_end()), "the page keeps the paragraph whole");
        assert!(doc.summary.as_deref().is_some_and(|s| s.starts_with("saludshortcode1x Two sentences")));
        let warning = doc.summary_warning.unwrap();
        assert_eq!(warning.location.as_ref().map(|l| (l.line, l.column)), Some((3, 1)), "{warning}");
        let chars = "saludshortcode1x ".len() + long.trim_end().len();
        assert!(warning
            .message
            .starts_with(&format!("the first paragraph, used as the summary, is {chars} characters")));
    }
}
