//! Link-preview images (1200 x 630 PNG): one per place with its name and up to three latest
//! key figures, one for each language's home page.

use std::sync::Arc;

use super::raster::Raster;
use super::view::{PlaceView, Social};
use crate::charts::{self, social, ChartStyle};
use crate::error::Error;
use crate::i18n::Locale;
use crate::output::Output;
use crate::present::headline;
use crate::site::Site;

pub(super) struct SocialImages {
    pub(super) style: ChartStyle,
    pub(super) raster: Arc<Raster>,
}

impl SocialImages {
    /// The place's image, when the site makes them; headline indicators first.
    pub(super) fn place(&self, view: &PlaceView, output: &mut Output) -> Result<Option<Social>, Error> {
        let (site, locale, place) = (view.site, view.locale, view.place);
        if !site.config.social_images {
            return Ok(None);
        }
        let data = &site.data;
        let tiles = headline::tiles(data, place, locale, &super::context::tile_options(site));
        let tiles = &tiles[..tiles.len().min(3)];
        let figures: Vec<social::Figure> = tiles
            .iter()
            .map(|t| social::Figure { value: t.value.clone(), label: format!("{}, {}, {}", t.name, t.unit, t.year) })
            .collect();
        let mut sources: Vec<String> = tiles.iter().map(|t| t.source.clone()).collect();
        sources.sort();
        sources.dedup();
        let mut kicker = crate::present::kind_name(locale, data, place);
        if let Some(region) = &place.world_region {
            kicker = format!("{kicker} · {}", locale.term("region", region));
        }
        let source_line = charts::source_line(locale, &sources);
        let alt = std::iter::once(place.name.clone())
            .chain(figures.iter().map(|f| format!("{}: {}", f.label, f.value)))
            .collect::<Vec<_>>()
            .join(". ");
        let card = social::Card {
            site: &site.config.title,
            name: &place.name,
            kicker: &kicker,
            figures,
            source_line: &source_line,
        };
        let path = format!("{}social.png", view.dir());
        output.add(path.clone(), self.png(&card, &path)?);
        Ok(Some(Social { url: path, alt }))
    }

    /// The image of a language's home page: the site's title and description.
    pub(super) fn site(&self, site: &Site, locale: &Locale, output: &mut Output) -> Result<Option<Social>, Error> {
        if !site.config.social_images {
            return Ok(None);
        }
        let card = social::Card {
            site: "",
            name: &site.config.title,
            kicker: &site.config.description,
            figures: Vec::new(),
            source_line: "",
        };
        let path = format!("{}social.png", locale.prefix);
        output.add(path.clone(), self.png(&card, &path)?);
        Ok(Some(Social { url: path, alt: site.config.title.clone() }))
    }

    fn png(&self, card: &social::Card, path: &str) -> Result<Vec<u8>, Error> {
        self.raster.png(&social::svg(card, &self.style), 1.0, path)
    }
}
