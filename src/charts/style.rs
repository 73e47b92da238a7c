//! How charts look, read from the theme's `theme.toml`, so colours and type sizes belong to
//! the theme and not to the code.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChartStyle {
    pub wide: Size,
    pub narrow: Size,
    pub print: Size,
    pub font_family: String,
    pub title_size: u32,
    pub text_size: u32,
    pub small_size: u32,
    pub ink: String,
    pub muted: String,
    pub grid: String,
    pub background: String,
    pub reference: String,
    pub palette: Vec<String>,
    pub highlight: String,
    pub bar: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

#[derive(Deserialize)]
struct ThemeFile {
    charts: ChartStyle,
}

impl ChartStyle {
    pub fn from_theme_toml(text: &str) -> Result<ChartStyle, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let style = file.charts;
        let colours =
            [&style.ink, &style.muted, &style.grid, &style.background, &style.reference, &style.highlight, &style.bar];
        if let Some(bad) = colours.into_iter().chain(&style.palette).find(|c| parse_hex(c).is_none()) {
            return Err(format!("\"{bad}\" is not a colour; write colours as \"#rrggbb\""));
        }
        if style.palette.is_empty() {
            return Err("the chart palette is empty; list at least one colour".into());
        }
        Ok(style)
    }
}

/// "#0072b2" -> (0, 114, 178).
pub fn parse_hex(colour: &str) -> Option<(u8, u8, u8)> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_parses() {
        let style = ChartStyle::from_theme_toml(include_str!("../../themes/default/theme.toml")).unwrap();
        assert!(style.palette.len() >= 4);
        assert_eq!(parse_hex("#0072b2"), Some((0, 114, 178)));
        assert_eq!(parse_hex("blue"), None);
    }
}
