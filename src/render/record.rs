//! What the build's record keeps of each unit of work it may skip next time (see
//! [`super::keys`]): what other pages need of the unit (links and sizes, maps, counts) and
//! the cache entries its files were made from, so that they stay in the cache.

use std::collections::BTreeMap;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::map_files::MapView;
use super::view::{Downloads, Link, Social};
use crate::data::IndicatorId;
use crate::error::Error;
use crate::output::Output;

/// The unit of the pages and files not made place by place.
pub(super) const SITE: &str = "site";

/// The unit of one place in one language: `place:es/peru`.
pub(super) fn place_unit(prefix: &str, slug: &str) -> String {
    format!("place:{prefix}{slug}")
}

/// The unit of one language's site-wide downloads: `data:es/`.
pub(super) fn data_unit(prefix: &str) -> String {
    format!("data:{prefix}")
}

#[derive(Serialize, Deserialize)]
pub(super) struct PlaceRecord {
    pub(super) charts: usize,
    pub(super) maps: BTreeMap<IndicatorId, MapView>,
    pub(super) pdf: Option<Link>,
    pub(super) csv: Option<Link>,
    pub(super) json: Option<Link>,
    pub(super) social: Option<Social>,
    /// Whether the place's page is among its files.
    pub(super) page: bool,
    pub(super) cache: Vec<String>,
}

impl PlaceRecord {
    pub(super) fn downloads(&self) -> Downloads {
        Downloads { pdf: self.pdf.clone(), csv: self.csv.clone(), json: self.json.clone(), social: self.social.clone() }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct DataRecord {
    pub(super) csv: Link,
    pub(super) json: Link,
}

#[derive(Serialize, Deserialize)]
pub(super) struct SiteRecord {
    pub(super) pages: usize,
    pub(super) maps: usize,
    pub(super) cache: Vec<String>,
}

/// The record of `unit` when `output` keeps its files from the last build (its inputs'
/// `key` unchanged); `None` when the unit is to be made.
pub(super) fn reuse<T: DeserializeOwned>(output: &Output, unit: &str, key: Option<u64>) -> Result<Option<T>, Error> {
    key.and_then(|key| output.reuse(unit, key)).map(|text| read(unit, &text)).transpose()
}

pub(super) fn write<T: Serialize>(record: &T) -> String {
    serde_json::to_string(record).expect("a record of strings and numbers")
}

/// A record read back. It was written by this very salud (salud's build is in every key)
/// and checked whole, so one that does not read is a fault in salud.
fn read<T: DeserializeOwned>(unit: &str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::Template {
        name: format!("the build record of {unit} in .salud-cache"),
        message: format!("{e}. This is a fault in salud; build once with --no-cache, and please report it"),
    })
}
