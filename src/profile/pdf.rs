//! PDF profiles, typeset by Typst used as a library. The layout is the theme's
//! `profile.typ`; salud hands it the place's data as `/data.json` and its charts as SVG files
//! under `/charts/`, and nothing else: no file system, no network, no clock, so the same data
//! give the same PDF.

use std::collections::{BTreeMap, HashMap};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::visualize::ImageKind;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;

const TEMPLATE: &str = "/profile.typ";

/// Cached results unused for this many profiles are dropped.
const EVICT_AFTER: usize = 8;

/// What every profile shares: the standard library, the fonts and the template.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    template: String,
    /// The template's file, as messages name it: `templates/profile.typ`.
    origin: String,
}

impl Typesetter {
    /// `origin`: the template's file, for messages.
    pub fn new(template: &str, origin: &str, fonts: &[Vec<u8>]) -> Typesetter {
        let fonts: Vec<Font> = fonts.iter().flat_map(|data| Font::iter(Bytes::new(data.clone()))).collect();
        Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            template: template.to_string(),
            origin: origin.to_string(),
        }
    }

    /// Lays one profile out (`files` are the virtual files besides the template, by path:
    /// `/data.json`, `/charts/mortality.svg`) without making the PDF, so that a layout can be judged (its
    /// pages, the words on each) before it is chosen.
    pub fn typeset(&self, files: BTreeMap<String, Vec<u8>>) -> Result<Typeset, Error> {
        let world = self.world(files);
        let document: PagedDocument = typst::compile(&world).output.map_err(|errors| self.error(&world, &errors))?;
        let words = document.pages().iter().map(|page| frame_words(&page.frame)).collect();
        let fills = [PAGE1_END, END].map(|label| marker_depth(&document, label));
        Ok(Typeset { document, words, page1_fill: fills[0], end_fill: fills[1] })
    }

    /// The PDF of a layout.
    pub fn export(&self, typeset: &Typeset) -> Result<Vec<u8>, Error> {
        let pdf = typst_pdf::pdf(&typeset.document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| self.error(&self.world(BTreeMap::new()), &errors))?;
        // Typst memoizes its work for incremental compiles, which a build of many different
        // profiles never benefits from much; without eviction its caches grow with every
        // profile (to about 0.9 GB for the default site).
        typst::comemo::evict(EVICT_AFTER);
        Ok(pdf)
    }

    fn world(&self, files: BTreeMap<String, Vec<u8>>) -> ProfileWorld<'_> {
        let main = file_id(TEMPLATE);
        ProfileWorld {
            shared: self,
            main,
            source: Source::new(main, self.template.clone()),
            files: files.into_iter().map(|(path, bytes)| (file_id(&path), Bytes::new(bytes))).collect(),
        }
    }

    /// Typst's first error as salud's message (those after it mostly follow from it, as a
    /// bracket left open makes every later line wrong): pointed at its line of the template
    /// when it has one, with Typst's hints as help, except those about Typst's command line.
    fn error(&self, world: &ProfileWorld, errors: &[SourceDiagnostic]) -> Error {
        let mut diags = Diagnostics::default();
        for error in errors.iter().filter(|e| e.severity == Severity::Error).take(1) {
            let mut d = Diagnostic::error(&self.origin, error.message.to_string());
            if error.span.id() == Some(world.main) {
                if let Some(range) = world.range(error.span) {
                    d = d.at(&self.template, range);
                }
            }
            let mut help: Vec<String> = error
                .hints
                .iter()
                .map(|hint| hint.v.to_string())
                .filter(|hint| !hint.contains("`--") && !hint.contains("sandbox"))
                .collect();
            if reads_a_file(&error.message) {
                help.push(FILES_HELP.to_string());
            }
            if help.is_empty() {
                help.push(match self.origin.starts_with("templates/") {
                    true => format!("the profile is written in Typst (https://typst.app/docs); fix this line, or delete {} to use the theme's", self.origin),
                    false => "the profile is written in Typst (https://typst.app/docs)".to_string(),
                });
            }
            d = d.help(help.join("; "));
            diags.push(d);
        }
        if diags.0.is_empty() {
            diags.push(Diagnostic::error(&self.origin, "the profile failed to typeset"));
        }
        Error::Site(diags)
    }
}

/// A profile laid out in pages, not yet a PDF.
pub struct Typeset {
    document: PagedDocument,
    /// The words on each page, counted as a PDF reader extracts them: the text Typst set and
    /// the text inside the SVG charts placed on the page.
    pub words: Vec<usize>,
    /// How far down page 1 its first part ends, from 0 to 1, when the template marks it
    /// (`<salud-page1-end>`), and how far down its page the brief ends (`<salud-end>`).
    pub page1_fill: Option<f64>,
    pub end_fill: Option<f64>,
}

const PAGE1_END: &str = "salud-page1-end";
const END: &str = "salud-end";

/// How far down its page (0 to 1) the template's element labelled `label` sits.
fn marker_depth(document: &PagedDocument, label: &str) -> Option<f64> {
    let label = typst::foundations::Label::new(typst::utils::PicoStr::intern(label))?;
    let introspector = document.introspector();
    let location = introspector.elements().query_label(label).ok()?.location()?;
    let position = introspector.position(location)?;
    let page = document.pages().get(position.page.get() - 1)?;
    Some(position.point.y.to_pt() / page.frame.height().to_pt())
}

fn frame_words(frame: &Frame) -> usize {
    frame
        .items()
        .map(|(_, item)| match item {
            FrameItem::Group(group) => frame_words(&group.frame),
            FrameItem::Text(text) => text.text.split_whitespace().count(),
            FrameItem::Image(image, _, _) => match image.kind() {
                ImageKind::Svg(svg) => svg_words(svg.data()),
                _ => 0,
            },
            _ => 0,
        })
        .sum()
}

/// The words of an SVG's `<text>` elements, the only text of salud's charts a reader sees.
fn svg_words(svg: &[u8]) -> usize {
    let text = String::from_utf8_lossy(svg);
    let mut words = 0;
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(open) = rest.find('>') else { break };
        let Some(close) = rest.find("</text>") else { break };
        if open < close {
            words += rest[open + 1..close].split_whitespace().count();
        }
        rest = &rest[close + "</text>".len()..];
    }
    words
}

/// What a profile template can read, for messages about a file it could not.
const FILES_HELP: &str =
    "the profile can read only /data.json and the charts under /charts/ (their paths are in data.json's charts)";

/// Whether Typst's message is about a file the template asked for.
fn reads_a_file(message: &str) -> bool {
    message.contains("would escape the project root") || message.starts_with("file not found")
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/missing").expect("a valid path"));
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

struct ProfileWorld<'a> {
    shared: &'a Typesetter,
    main: FileId,
    source: Source,
    /// Looked up only, never iterated, so the map's order cannot reach the output.
    files: HashMap<FileId, Bytes>,
}

impl World for ProfileWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(Bytes::from_string(self.shared.template.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    /// No date: a profile must not change with the day it is built.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the drawn text counts: not the title and description screen readers get.
    #[test]
    fn an_svgs_words_are_those_of_its_text_elements() {
        let svg = b"<svg><title>Not drawn</title><desc>Nor this</desc>\n<text x=\"1\" font-size=\"12\">Under-five mortality</text><text>12.9</text><text></text><rect/></svg>";
        assert_eq!(svg_words(svg), 3);
        assert_eq!(svg_words(b"<svg><text>unclosed"), 0);
    }
}
