//! PNGs of SVG drawings (chart downloads, link-preview images), made once and then taken from
//! the cache in `.salud-cache/` while their SVG, the fonts and the encoding stay the same.

use crate::cache::{FileCache, Store};
use crate::charts::png::Rasteriser;
use crate::error::Error;

/// Names how PNGs are encoded, so a cached PNG from other settings is never reused; change
/// it with any change to `charts::png`.
const PNG_ENCODING: &str = "png 0.18 rgb8 balanced sub";

/// PNG charts at their SVG size (720 px wide): enough for documents and slides, and cheap
/// enough to make for every chart; the SVG scales to any size.
pub(super) const CHART_SCALE: f32 = 1.0;

pub(super) struct Raster {
    rasteriser: Rasteriser,
    cache: FileCache,
    /// What a PNG depends on besides its SVG: the fonts and the scale.
    fonts_key: Vec<u8>,
}

impl Raster {
    /// `cache_root`: the site folder whose `.salud-cache/` keeps PNGs between builds.
    /// `fonts_hash`: the fonts' [`crate::cache::fast_hash`].
    pub(super) fn new(
        fonts: &[Vec<u8>],
        fonts_hash: &[u8],
        family: &str,
        cache_root: Option<&std::path::Path>,
    ) -> Raster {
        let mut fonts_key = PNG_ENCODING.as_bytes().to_vec();
        fonts_key.extend(CHART_SCALE.to_le_bytes());
        fonts_key.extend(fonts_hash);
        Raster {
            rasteriser: Rasteriser::new(fonts, family),
            cache: FileCache::new(cache_root, Store::Charts),
            fonts_key,
        }
    }

    /// `svg` as a PNG at `scale`; `name` says which file failed.
    pub(super) fn png(&self, svg: &str, scale: f32, name: &str) -> Result<Vec<u8>, Error> {
        self.cache
            .get_or_make(&[svg.as_bytes(), &self.fonts_key], || self.rasteriser.png(svg, scale))
            .map_err(|message| Error::Template { name: name.to_string(), message })
    }

    /// Forgets the cached PNGs this build did not use.
    pub(super) fn prune(&self) {
        self.cache.prune();
    }

    /// Counts these entries as used (those of files kept from the last build).
    pub(super) fn keep(&self, names: &[String]) {
        self.cache.keep(names);
    }
}
