//! PDF profiles, typeset by Typst used as a library. The layout is the theme's
//! `profile.typ`; salud hands it the place's data as `/data.json` and its charts as SVG files
//! under `/charts/`, and nothing else: no file system, no network, no clock, so the same data
//! give the same PDF.

use std::collections::{BTreeMap, HashMap};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::diagnostic::Location;
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
}

impl Typesetter {
    pub fn new(template: &str, fonts: &[Vec<u8>]) -> Typesetter {
        let fonts: Vec<Font> = fonts.iter().flat_map(|data| Font::iter(Bytes::new(data.clone()))).collect();
        Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            template: template.to_string(),
        }
    }

    /// Typesets one profile. `files` are the virtual files besides the template, by path
    /// (`/data.json`, `/charts/mortality.svg`). Returns the PDF and its number of pages.
    pub fn pdf(&self, files: BTreeMap<String, Vec<u8>>) -> Result<(Vec<u8>, usize), Error> {
        let main = file_id(TEMPLATE);
        let world = ProfileWorld {
            shared: self,
            main,
            source: Source::new(main, self.template.clone()),
            files: files.into_iter().map(|(path, bytes)| (file_id(&path), Bytes::new(bytes))).collect(),
        };
        let document: PagedDocument = typst::compile(&world).output.map_err(|errors| self.error(&world, &errors))?;
        let pages = document.pages().len();
        let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| self.error(&world, &errors))?;
        // Typst memoizes its work for incremental compiles, which a build of many different
        // profiles never benefits from much; without eviction its caches grow with every
        // profile (to about 0.9 GB for the default site).
        typst::comemo::evict(EVICT_AFTER);
        Ok((pdf, pages))
    }

    /// The first error, pointed at its line of the template when it has one.
    fn error(&self, world: &ProfileWorld, errors: &[SourceDiagnostic]) -> Error {
        let Some(first) = errors.first() else {
            return Error::Template { name: "profile.typ".into(), message: "the profile failed to typeset".into() };
        };
        let mut message = first.message.to_string();
        if first.span.id() == Some(world.main) {
            if let Some(range) = world.range(first.span) {
                let loc = Location::from_span(&self.template, range);
                message = format!("line {}, column {}: {message}\n  {}", loc.line, loc.column, loc.line_text.trim());
            }
        }
        for hint in &first.hints {
            message.push_str(&format!("\n  hint: {}", hint.v));
        }
        Error::Template { name: "profile.typ".into(), message }
    }
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
