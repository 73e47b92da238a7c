//! A place's PDF profile, `salud-profile-{place}.pdf`: the theme's Typst template typeset with
//! the place's data and its print-sized charts.

use std::collections::BTreeMap;

use super::chart_files::PrintChart;
use super::resolve;
use super::view::{Link, PlaceView};
use crate::error::Error;
use crate::output::Output;
use crate::profile::{self, pdf::Typesetter};

pub(super) struct PdfProfile {
    pub(super) typesetter: Typesetter,
}

impl PdfProfile {
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
        let summary = site
            .content
            .narratives
            .get(&place.slug)
            .and_then(|doc| resolve::resolve_summary(doc, &site.data, view.locale));
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut charts = Vec::new();
        for PrintChart { chart, svg } in print {
            files.insert(chart.file.clone(), svg.into_bytes());
            charts.push(chart);
        }
        files.insert("/data.json".into(), profile::template_data(site, view.locale, place, summary, charts));
        let (pdf, _pages) = self.typesetter.pdf(files)?;
        let path = format!("{}salud-profile-{}.pdf", view.dir(), super::data_files::file_name(view));
        let link = Link::new(&path, pdf.len());
        output.add(path, pdf);
        Ok(Some(link))
    }
}
