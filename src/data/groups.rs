//! Breakdowns of a series: the values one source gives for a group of the population (rural
//! children, the poorest fifth of households, women aged 15-49) beside the total for everyone.
//! A place file writes `group = { area = "rural" }` on a series; the series without a group is
//! the total, the one every page shows.
//!
//! The breakdowns are fixed (area, sex, wealth, age); their groups are a small vocabulary that
//! the catalogue may extend (`[groups.area]` in data/indicators.toml), so that a typo is caught
//! rather than shown as a group of its own.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::i18n::Locale;

/// What a series is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// Urban or rural residence.
    Area,
    Sex,
    /// Household wealth quintiles, `q1` (the poorest fifth) to `q5` (the richest).
    Wealth,
    /// An age band: `15-49`, `65+`, or a name the catalogue gives.
    Age,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [Dimension::Area, Dimension::Sex, Dimension::Wealth, Dimension::Age];

    /// As place files write it: `area`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Area => "area",
            Dimension::Sex => "sex",
            Dimension::Wealth => "wealth",
            Dimension::Age => "age",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// The dimension's name in the reader's language: "Area", "Área".
    pub fn name(self, locale: &Locale) -> String {
        locale.t(&format!("groups.dimension.{}", self.as_str())).to_string()
    }

    /// The groups every site knows, in the order pages list them.
    fn built_in(self) -> &'static [&'static str] {
        match self {
            Dimension::Area => &["urban", "rural"],
            Dimension::Sex => &["female", "male"],
            Dimension::Wealth => &["q1", "q2", "q3", "q4", "q5"],
            Dimension::Age => &[],
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A group of the population a series' values are about: `area = "rural"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Group {
    pub dimension: Dimension,
    /// As place files write it: `rural`, `q1`, `15-49`.
    pub value: String,
}

impl Group {
    pub fn new(dimension: Dimension, value: impl Into<String>) -> Group {
        Group { dimension, value: value.into() }
    }
}

/// `area = "rural"`, as a place file writes it.
impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = \"{}\"", self.dimension, self.value)
    }
}

/// A group the catalogue adds, with its name in the main language and others.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupText {
    pub name: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

/// Every group a site's series may have: the built-in ones and those of the catalogue's
/// `[groups]` table, in the order pages list them (the built-in ones first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Groups {
    added: BTreeMap<Dimension, Vec<(String, GroupText)>>,
}

/// Why a written group is not one of the vocabulary, with the words to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupProblem {
    pub message: String,
    pub help: String,
}

impl Groups {
    pub(super) fn new(added: BTreeMap<Dimension, Vec<(String, GroupText)>>) -> Groups {
        Groups { added }
    }

    /// The groups of `dimension` a site knows by name, in order: the built-in ones, then the
    /// catalogue's. Age bands (`15-49`) need no listing.
    pub fn values(&self, dimension: Dimension) -> impl Iterator<Item = &str> + '_ {
        let added = self.added.get(&dimension).into_iter().flatten().map(|(v, _)| v.as_str());
        dimension.built_in().iter().copied().chain(added)
    }

    /// The group `dimension = value` as a place file writes it, if it is one of the vocabulary.
    pub fn parse(&self, dimension: &str, value: &str) -> Result<Group, GroupProblem> {
        let Some(dim) = Dimension::parse(dimension) else {
            let close = crate::diagnostic::closest(dimension, Dimension::ALL.iter().map(|d| d.as_str()));
            // The value says best which dimension was meant: `zone = "urban"` is an area.
            let help = match (self.dimension_of(value), close) {
                (Some(owner), _) => {
                    format!("`{value}` is a group of `{owner}`: write group = {{ {owner} = \"{value}\" }}")
                }
                (None, Some(close)) => format!("did you mean `{close}`? {}", capitalised(Groups::DIMENSIONS)),
                (None, None) => capitalised(Groups::DIMENSIONS),
            };
            return Err(GroupProblem { message: format!("`{dimension}` is not a breakdown salud knows"), help });
        };
        if self.values(dim).any(|v| v == value) || (dim == Dimension::Age && age_band(value).is_some()) {
            return Ok(Group::new(dim, value));
        }
        let known: Vec<&str> = self.values(dim).collect();
        let listed = match known.as_slice() {
            [] => String::new(),
            [one] => format!("The group of `{dim}` is {one}"),
            [first @ .., last] => format!("The groups of `{dim}` are {} and {last}", first.join(", ")),
        };
        let add = match dim {
            Dimension::Age => "an age group is a band of years such as \"15-49\" or \"65+\"; other names can be added under [groups.age] in data/indicators.toml".to_string(),
            dim => format!("others can be added under [groups.{dim}] in data/indicators.toml"),
        };
        let help = match crate::diagnostic::closest(value, known.iter().copied()) {
            Some(close) if listed.is_empty() => format!("did you mean `{close}`? {}", capitalised(&add)),
            Some(close) => format!("did you mean `{close}`? {listed}; {add}"),
            None if listed.is_empty() => capitalised(&add),
            None => format!("{listed}; {add}"),
        };
        Err(GroupProblem { message: format!("`{value}` is not a group of `{dim}`"), help })
    }

    const DIMENSIONS: &'static str = "a group is one of area (urban, rural), sex (female, male), wealth (q1, the poorest fifth, to q5, the richest) or age (a band such as \"15-49\" or \"65+\"), e.g. group = { area = \"rural\" }";

    /// A group written without its dimension (`group = "rural"`): the words to put it right.
    pub fn without_dimension(&self, value: &str) -> GroupProblem {
        let help = match self.dimension_of(value) {
            Some(owner) => format!("`{value}` is a group of `{owner}`: write group = {{ {owner} = \"{value}\" }}"),
            None => capitalised(Groups::DIMENSIONS),
        };
        GroupProblem { message: "a group names its breakdown and its value".to_string(), help }
    }

    /// The group a shortcode names by its value alone (`group="rural"`): values are unique
    /// across dimensions, and a band of years is an age group.
    pub fn find(&self, value: &str) -> Result<Group, GroupProblem> {
        match self.dimension_of(value) {
            Some(dimension) => Ok(Group::new(dimension, value)),
            None if age_band(value).is_some() => Ok(Group::new(Dimension::Age, value)),
            None => {
                let every: Vec<&str> = Dimension::ALL.iter().flat_map(|d| self.values(*d)).collect();
                let help = match crate::diagnostic::closest(value, every.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? {}", capitalised(Groups::DIMENSIONS)),
                    None => capitalised(Groups::DIMENSIONS),
                };
                Err(GroupProblem { message: format!("`{value}` is not a group salud knows"), help })
            }
        }
    }

    fn dimension_of(&self, value: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| self.values(*d).any(|v| v == value))
    }

    /// Where the group comes in the order pages list groups: by dimension, then as the
    /// vocabulary lists its groups (urban before rural, q1 to q5), age bands by their first year.
    pub fn rank(&self, group: &Group) -> (Dimension, usize) {
        let listed = self.values(group.dimension).position(|v| v == group.value);
        let position = match (listed, age_band(&group.value)) {
            (Some(i), _) => i,
            (None, Some((from, _))) => 1000 + from as usize,
            (None, None) => usize::MAX,
        };
        (group.dimension, position)
    }

    /// The group's name in the reader's language: "Rural", "Poorest fifth", "Aged 15-49".
    pub fn name(&self, group: &Group, locale: &Locale) -> String {
        let added = self.added.get(&group.dimension).and_then(|a| a.iter().find(|(v, _)| *v == group.value));
        if let Some((_, text)) = added {
            return text.names.get(&locale.code).unwrap_or(&text.name).clone();
        }
        if group.dimension.built_in().contains(&group.value.as_str()) {
            return locale.t(&format!("groups.{}.{}", group.dimension, group.value)).to_string();
        }
        match age_band(&group.value) {
            Some((from, None)) => locale.fill("groups.age_from", &[("from", &from.to_string())]),
            Some(_) => locale.fill("groups.age_band", &[("band", &group.value)]),
            None => group.value.clone(),
        }
    }
}

/// "The groups..." after a "did you mean", or alone.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `15-49` as (15, Some(49)), `65+` as (65, None): whole years up to 150, the first below the last.
pub fn age_band(text: &str) -> Option<(u32, Option<u32>)> {
    let years = |s: &str| s.parse::<u32>().ok().filter(|y| *y <= 150 && (s == "0" || !s.starts_with('0')));
    if let Some(from) = text.strip_suffix('+') {
        return Some((years(from)?, None));
    }
    let (from, to) = text.split_once('-')?;
    let (from, to) = (years(from)?, years(to)?);
    (from < to).then_some((from, Some(to)))
}

/// A group the catalogue adds is written like the built-in ones: lowercase letters, digits and
/// dashes (`peri-urban`), so place files can name it plainly.
pub(super) fn is_plain_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 40
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'+')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_groups_and_age_bands_are_known() {
        let groups = Groups::default();
        assert_eq!(groups.parse("area", "rural"), Ok(Group::new(Dimension::Area, "rural")));
        assert_eq!(groups.parse("wealth", "q5"), Ok(Group::new(Dimension::Wealth, "q5")));
        assert_eq!(groups.parse("age", "15-49"), Ok(Group::new(Dimension::Age, "15-49")));
        assert_eq!(groups.parse("age", "65+"), Ok(Group::new(Dimension::Age, "65+")));
        for band in ["49-15", "15_49", "015-49", "15-", "-3", "200+", "adults"] {
            assert!(groups.parse("age", band).is_err(), "{band}");
        }
        let typo = groups.parse("area", "rurl").unwrap_err();
        assert_eq!(typo.message, "`rurl` is not a group of `area`");
        assert!(
            typo.help.starts_with("did you mean `rural`? The groups of `area` are urban and rural;"),
            "{}",
            typo.help
        );
        let typo = groups.parse("aera", "inland").unwrap_err();
        assert!(typo.help.starts_with("did you mean `area`? A group is one of area"), "{}", typo.help);
        let typo = groups.parse("zone", "urban").unwrap_err();
        assert_eq!(typo.help, "`urban` is a group of `area`: write group = { area = \"urban\" }");
        assert_eq!(
            groups.parse("age", "adults").unwrap_err().help,
            "An age group is a band of years such as \"15-49\" or \"65+\"; other names can be added under [groups.age] in data/indicators.toml"
        );
    }

    #[test]
    fn the_catalogue_adds_groups_after_the_built_in_ones() {
        let text = GroupText { name: "Peri-urban".into(), names: BTreeMap::from([("es".into(), "Periurbana".into())]) };
        let groups = Groups::new(BTreeMap::from([(Dimension::Area, vec![("peri-urban".to_string(), text)])]));
        let peri = groups.parse("area", "peri-urban").unwrap();
        assert_eq!(groups.values(Dimension::Area).collect::<Vec<_>>(), ["urban", "rural", "peri-urban"]);
        let (urban, rural) = (Group::new(Dimension::Area, "urban"), Group::new(Dimension::Area, "rural"));
        assert!(groups.rank(&urban) < groups.rank(&rural) && groups.rank(&rural) < groups.rank(&peri));
        let en = Locale::default();
        assert_eq!(groups.name(&peri, &en), "Peri-urban");
        assert_eq!(groups.name(&rural, &en), "Rural");
        assert_eq!(groups.name(&Group::new(Dimension::Age, "15-49"), &en), "Aged 15-49");
        assert_eq!(groups.name(&Group::new(Dimension::Age, "65+"), &en), "Aged 65 and over");
        assert_eq!(groups.name(&Group::new(Dimension::Wealth, "q1"), &en), "Poorest fifth");
        assert_eq!(Dimension::Wealth.name(&en), "Household wealth");
    }
}
