//! A place's PDF profile, `salud-profile-{place}.pdf`: the theme's Typst template typeset with
//! the place's data and its print-sized charts.

use std::collections::BTreeMap;
use std::path::Path;

use super::chart_files::PrintChart;
use super::resolve;
use super::view::{Link, PlaceView};
use crate::cache::{FileCache, Store};
use crate::error::Error;
use crate::output::Output;
use crate::profile::pdf::{Typeset, Typesetter};
use crate::profile::{self, Definitions, Fit, Table};

/// The layouts a brief tries, fullest first: two pages, then less on page 2 until it fits...
const TWO_PAGES: [Fit; 8] = [
    Fit {
        pages: 2,
        table: Table::First,
        definitions: Definitions::Full,
        more_charts: 2,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::Second,
        definitions: Definitions::Full,
        more_charts: 2,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::Second,
        definitions: Definitions::Short,
        more_charts: 2,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::None,
        definitions: Definitions::Short,
        more_charts: 2,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::None,
        definitions: Definitions::Short,
        more_charts: 2,
        citations: false,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::None,
        definitions: Definitions::Short,
        more_charts: 1,
        citations: false,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::None,
        definitions: Definitions::None,
        more_charts: 1,
        citations: false,
        page1_charts: 0,
    },
    Fit {
        pages: 2,
        table: Table::None,
        definitions: Definitions::None,
        more_charts: 0,
        citations: false,
        page1_charts: 0,
    },
];
/// ...and one page, for a place whose second page would be nearly empty.
const ONE_PAGE: [Fit; 3] = [
    Fit {
        pages: 1,
        table: Table::Second,
        definitions: Definitions::Full,
        more_charts: 2,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 1,
        table: Table::None,
        definitions: Definitions::Short,
        more_charts: 1,
        citations: true,
        page1_charts: 0,
    },
    Fit {
        pages: 1,
        table: Table::None,
        definitions: Definitions::None,
        more_charts: 0,
        citations: false,
        page1_charts: 0,
    },
];

/// A second page with fewer words than this share of the first's looks unfinished. Above the
/// half the tests ask for, since salud counts words a little differently from PDF readers.
const SECOND_PAGE_SHARE: f64 = 0.6;

/// The words on each page of a layout.
trait Pages {
    fn words(&self) -> &[usize];
    /// How far down page 1 its first part ends, and how far down its page the brief ends
    /// (0 to 1), when the template says.
    fn fills(&self) -> (Option<f64>, Option<f64>);
}

impl Pages for Typeset {
    fn words(&self) -> &[usize] {
        &self.words
    }
    fn fills(&self) -> (Option<f64>, Option<f64>) {
        (self.page1_fill, self.end_fill)
    }
}

/// Two pages this little filled could be one: page 1 stops short (a page break after its
/// charts) and page 2 is no fuller.
fn could_be_one(typeset: &impl Pages) -> bool {
    let (page1, end) = typeset.fills();
    typeset.words().len() == 2 && page1.is_some_and(|f| f < 0.8) && end.is_some_and(|f| f < 0.6)
}

/// One page, or two with a second page full enough.
fn good(typeset: &impl Pages) -> bool {
    match typeset.words() {
        [_] => true,
        [first, second] => *second as f64 >= SECOND_PAGE_SHARE * *first as f64,
        _ => false,
    }
}

/// Page 1 filled less than this leaves room for a row of charts.
const PAGE1_SHORT: f64 = 0.7;

/// The fullest layout that makes a good brief ([`layout`]); then, when page 1 of two stops
/// short, the same with a row of the next trends added to page 1, if page 1 still holds them
/// and page 2 stays full enough.
/// `row`: whether the place has trends for such a row (besides page 1's two and spending).
fn fit<T: Pages>(row: bool, mut typeset: impl FnMut(Fit) -> Result<T, Error>) -> Result<T, Error> {
    let (chosen, t) = layout(&mut typeset)?;
    let short = row && t.words().len() == 2 && t.fills().0.is_some_and(|f| f < PAGE1_SHORT);
    if !short {
        return Ok(t);
    }
    let fuller = typeset(Fit { page1_charts: 2, ..chosen })?;
    Ok(if good(&fuller) && fuller.words().len() == 2 { fuller } else { t })
}

/// The fullest layout that makes a good brief: all of it on one page, two pages with a full
/// enough second page, or one page with less. When none does (never with the default theme),
/// the first layout of at most two pages, or the leanest of all.
fn layout<T: Pages>(mut typeset: impl FnMut(Fit) -> Result<T, Error>) -> Result<(Fit, T), Error> {
    let full = typeset(TWO_PAGES[0])?;
    if good(&full) && !could_be_one(&full) {
        return Ok((TWO_PAGES[0], full));
    }
    // All of it on one page, when it fits, beats two pages that are each half empty, though
    // page 2 may hold as many words as page 1.
    if full.words().len() <= 2 {
        let whole = typeset(ONE_PAGE[0])?;
        if whole.words().len() == 1 {
            return Ok((ONE_PAGE[0], whole));
        }
        if good(&full) {
            return Ok((TWO_PAGES[0], full));
        }
    }
    let mut fallback: Option<(Fit, T)> = None;
    let mut first = Some(full);
    for fit in TWO_PAGES {
        let t = match first.take() {
            Some(t) => t,
            None => typeset(fit)?,
        };
        if good(&t) {
            return Ok((fit, t));
        }
        let thin = t.words().len() <= 2;
        if thin && fallback.is_none() {
            fallback = Some((fit, t));
        }
        // Page 2 is nearly empty, and the layouts after this one only take more from it
        // (the first puts the table of figures on page 1, the second on page 2).
        if thin && fit.table != Table::First {
            break;
        }
    }
    for fit in &ONE_PAGE[1..] {
        let t = typeset(*fit)?;
        if t.words().len() == 1 {
            return Ok((*fit, t));
        }
    }
    match fallback {
        Some(kept) => Ok(kept),
        None => {
            let leanest = TWO_PAGES[TWO_PAGES.len() - 1];
            Ok((leanest, typeset(leanest)?))
        }
    }
}

pub(super) struct PdfProfile {
    typesetter: Typesetter,
    /// Briefs made by earlier builds, by what the typesetter reads.
    cache: FileCache,
    /// What every brief depends on besides its own files: the template and the fonts.
    shared_key: Vec<u8>,
}

impl PdfProfile {
    /// `cache_root`: the site folder whose `.salud-cache/` keeps PDFs between builds.
    /// `fonts_hash`: the fonts' [`crate::cache::fast_hash`].
    pub(super) fn new(
        theme: &crate::theme::Theme,
        fonts: &[Vec<u8>],
        fonts_hash: &[u8],
        cache_root: Option<&Path>,
    ) -> PdfProfile {
        let mut shared_key = theme.profile.as_bytes().to_vec();
        shared_key.extend(fonts_hash);
        PdfProfile {
            typesetter: Typesetter::new(&theme.profile, &theme.profile_origin, fonts),
            cache: FileCache::new(cache_root, Store::Profiles),
            shared_key,
        }
    }

    /// Forgets the cached PDFs this build did not use.
    pub(super) fn prune(&self) {
        self.cache.prune();
    }

    /// Counts these entries as used (those of files kept from the last build).
    pub(super) fn keep(&self, names: &[String]) {
        self.cache.keep(names);
    }

    /// The profile's link, or `None` when the site makes no PDFs.
    pub(super) fn place(
        &self,
        view: &PlaceView,
        print: Vec<PrintChart>,
        output: &mut Output,
    ) -> Result<Option<Link>, Error> {
        let (site, place) = (view.site, view.place);
        if !site.config.pdf {
            return Ok(None);
        }
        // The summary's value shortcodes are filled in; charts have no place in it.
        let tiles = super::context::tile_options(site);
        let summary = site
            .content
            .narratives
            .get(&place.slug)
            .and_then(|doc| resolve::resolve_summary(doc, &site.data, view.locale, tiles));
        let mut charts = Vec::new();
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for PrintChart { chart, svg } in print {
            files.insert(chart.file.clone(), svg.into_bytes());
            charts.push(chart);
        }
        let tile_options = super::context::tile_options(site);
        let mut brief =
            profile::Brief { place, summary, charts: &charts, tile_options: &tile_options, fit: TWO_PAGES[0] };
        // The template fills the row with trends other than spending, after page 1's two, and
        // with a gap between groups.
        let trends = charts.iter().filter(|c| c.kind == "trend" && c.family != "expenditure").count();
        let gaps = charts.iter().any(|c| c.kind == "gaps");
        // The layouts tried, and so the PDF, follow from the files of the first one: they are
        // the key, every file by its path and bytes.
        files.insert("/data.json".into(), profile::template_data(site, view.locale, &brief));
        let parts: Vec<&[u8]> = files.iter().flat_map(|(path, bytes)| [path.as_bytes(), bytes.as_slice()]).collect();
        let files_key = crate::cache::fast_hash(&parts).to_le_bytes();
        let pdf = self.cache.get_or_make(&[&self.shared_key, &files_key], || {
            let typeset = fit(trends > 2 || gaps, |fit| {
                brief.fit = fit;
                files.insert("/data.json".into(), profile::template_data(site, view.locale, &brief));
                self.typesetter.typeset(files.clone())
            })?;
            self.typesetter.export(&typeset)
        })?;
        let path = format!("{}salud-profile-{}.pdf", view.dir(), super::data_files::file_name(view));
        let link = Link::new(&path, pdf.len());
        output.add(path, pdf);
        Ok(Some(link))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A layout's words and fill per page.
    struct Laid(Vec<usize>, (Option<f64>, Option<f64>));

    impl Pages for Laid {
        fn words(&self) -> &[usize] {
            &self.0
        }
        fn fills(&self) -> (Option<f64>, Option<f64>) {
            self.1
        }
    }

    /// Which layouts `fit` tries, and the words of the one it keeps, for a brief whose words
    /// and fill per page each layout gives by `pages`.
    fn run_filled(pages: impl Fn(Fit) -> (Vec<usize>, (Option<f64>, Option<f64>))) -> (Vec<Fit>, Vec<usize>) {
        let mut tried = Vec::new();
        let kept = fit(true, |f| {
            tried.push(f);
            let (words, fills) = pages(f);
            Ok::<_, Error>(Laid(words, fills))
        })
        .unwrap();
        (tried, kept.0)
    }

    /// The same, with every page nearly full.
    fn run(pages: impl Fn(Fit) -> Vec<usize>) -> (Vec<Fit>, Vec<usize>) {
        run_filled(|f| {
            let words = pages(f);
            (words, (Some(0.95), Some(0.95)))
        })
    }

    #[test]
    fn a_full_brief_keeps_the_fullest_layout() {
        let (tried, kept) = run(|_| vec![400, 300]);
        assert_eq!((tried, kept), (vec![TWO_PAGES[0]], vec![400, 300]));
        let (tried, _) = run(|_| vec![250]);
        assert_eq!(tried, vec![TWO_PAGES[0]], "one page is a good brief too");
    }

    /// Two half-empty pages make one page when it fits, though page 2 has words enough.
    #[test]
    fn two_half_empty_pages_become_one() {
        let (tried, kept) = run_filled(|f| match f.pages {
            2 => (vec![180, 200], (Some(0.55), Some(0.5))),
            _ => (vec![380], (Some(0.9), Some(0.9))),
        });
        assert_eq!((tried, kept), (vec![TWO_PAGES[0], ONE_PAGE[0]], vec![380]));
        // When it does not fit one page, the two pages stay.
        let (_, kept) = run_filled(|f| match f.pages {
            2 => (vec![180, 200], (Some(0.55), Some(0.5))),
            _ => (vec![380, 20], (Some(0.9), Some(0.1))),
        });
        assert_eq!(kept, vec![180, 200]);
    }

    /// A page 1 that stops short takes a row of charts, when page 1 still holds them.
    #[test]
    fn a_short_first_page_takes_a_row_of_charts() {
        let (tried, kept) = run_filled(|f| match f.page1_charts {
            0 => (vec![200, 300], (Some(0.5), Some(0.9))),
            _ => (vec![260, 300], (Some(0.85), Some(0.9))),
        });
        assert_eq!(tried, vec![TWO_PAGES[0], Fit { page1_charts: 2, ..TWO_PAGES[0] }]);
        assert_eq!(kept, vec![260, 300]);
        // When the row pushes page 1 over, the brief stays as it was.
        let (_, kept) = run_filled(|f| match f.page1_charts {
            0 => (vec![200, 300], (Some(0.5), Some(0.9))),
            _ => (vec![200, 60, 300], (Some(0.1), Some(0.9))),
        });
        assert_eq!(kept, vec![200, 300]);
        // A place with no trends for a row is not typeset again.
        let tried = std::cell::RefCell::new(0);
        fit(false, |_| {
            *tried.borrow_mut() += 1;
            Ok::<_, Error>(Laid(vec![200, 300], (Some(0.5), Some(0.9))))
        })
        .unwrap();
        assert_eq!(tried.into_inner(), 1);
        // A full page 1 is left alone.
        let (tried, _) = run(|_| vec![400, 300]);
        assert_eq!(tried.len(), 1);
    }

    #[test]
    fn a_long_brief_holds_less_until_it_fits_two_pages() {
        let (tried, kept) = run(|f| if f.citations { vec![400, 500, 50] } else { vec![400, 380] });
        assert!(!tried.last().unwrap().citations && tried[..tried.len() - 1].iter().all(|f| f.citations));
        assert_eq!(kept, vec![400, 380]);
    }

    #[test]
    fn a_brief_with_a_nearly_empty_second_page_goes_on_one_page() {
        // The figures on page 1 leave page 2 thin; on page 2 they fill it.
        let (tried, kept) = run(|f| match (f.pages, f.table) {
            (2, Table::First) => vec![400, 100],
            (2, _) => vec![300, 150],
            (_, Table::None) => vec![420],
            _ => vec![420, 40],
        });
        assert_eq!(&tried[..3], &[TWO_PAGES[0], ONE_PAGE[0], TWO_PAGES[1]]);
        assert_eq!(tried.last().unwrap().table, Table::None);
        assert_eq!(kept, vec![420]);
        // When no layout fits one page, the first of two pages stays.
        let (_, kept) = run(|f| if f.table == Table::First { vec![400, 100] } else { vec![400, 120, 3] });
        assert_eq!(kept, vec![400, 100]);
    }
}
