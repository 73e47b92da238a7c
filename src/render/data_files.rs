//! A place's data as downloads: `salud-data-{place}.csv` and `.json`, from the rows and entry
//! its worker made once for these files and for the site-wide ones.

use super::view::{Link, PlaceView};
use crate::output::Output;
use crate::profile::data::PlaceData;

/// The CSV and JSON links; none for a place without data, which offers no empty files.
pub(super) struct DataLinks {
    pub(super) csv: Option<Link>,
    pub(super) json: Option<Link>,
}

pub(super) fn place(view: &PlaceView, place_data: &PlaceData, output: &mut Output) -> DataLinks {
    let place = view.place;
    if place.series.is_empty() {
        return DataLinks { csv: None, json: None };
    }
    let base = format!("{}salud-data-{}", view.dir(), file_name(view));
    let (csv, json) = (place_data.csv(), place_data.json(&view.site.data, place));
    let links = DataLinks {
        csv: Some(Link::new(&format!("{base}.csv"), csv.len())),
        json: Some(Link::new(&format!("{base}.json"), json.len())),
    };
    output.add(format!("{base}.csv"), csv);
    output.add(format!("{base}.json"), json);
    links
}

/// The last part of the place's path, which names its downloads: `huanuco`.
pub(super) fn file_name<'a>(view: &PlaceView<'a>) -> &'a str {
    let slug = &view.place.slug;
    slug.rsplit('/').next().unwrap_or(slug)
}
