//! `data/indicators.toml`: each indicator defined once, with its unit, its family of charts,
//! which direction is better, and how source codes map to it on import.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::groups::{Dimension, GroupText, Groups};
use crate::diagnostic::{Diagnostic, Diagnostics};

pub const FILE: &str = "data/indicators.toml";
/// An id becomes part of file names (`regions-neonatal_mortality.svg`).
const MAX_ID_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: super::IndicatorId,
    /// Where the indicator's table starts in the catalogue, for messages about it.
    pub at: crate::diagnostic::Location,
    pub name: String,
    /// For table headers and chart legends; the name when not given.
    pub short_name: String,
    pub unit: String,
    /// The main language's unit as a slug, for file names that stay the same in every
    /// language (`per-1-000-live-births`).
    pub unit_slug: String,
    pub measure: Measure,
    pub category: Category,
    pub better: Option<Better>,
    /// The most decimals ever shown; fewer when the source gave fewer.
    pub decimals: usize,
    pub definition: Option<String>,
    pub reference: Option<Reference>,
    pub codes: Vec<CodeMap>,
    /// Shown in the home page's overview of every place.
    pub headline: bool,
    /// Values from fewer observations than this are "few observations, use with caution";
    /// None: the site's `few_observations` (config.toml) applies.
    pub few_observations: Option<u32>,
    /// Names, unit and definition in other languages, by language code.
    pub translations: BTreeMap<String, IndicatorText>,
}

/// An indicator's words in another language; what is left out stays as in the main one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorText {
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub unit: Option<String>,
    pub definition: Option<String>,
    /// The label of the reference line, e.g. "Meta ODS 3.2 para 2030".
    pub reference: Option<String>,
    /// Its short form, e.g. "Meta 3.2".
    pub reference_short: Option<String>,
    /// The unit the source used (the codes' `from_unit`), named in notes on converted values.
    pub from_unit: Option<String>,
}

impl Indicator {
    /// The indicator as readers of `lang` see it.
    pub fn localized(&self, lang: &str) -> Indicator {
        let mut out = self.clone();
        if let Some(t) = self.translations.get(lang) {
            let t = t.clone();
            out.short_name = t.short_name.or_else(|| t.name.clone()).unwrap_or(out.short_name);
            out.name = t.name.unwrap_or(out.name);
            out.unit = t.unit.unwrap_or(out.unit);
            out.definition = t.definition.or(out.definition);
            if let Some(r) = &mut out.reference {
                // A label translated without its short form has none: the main language's
                // short form beside a translated label would mix two languages.
                if let Some(label) = t.reference {
                    (r.label, r.short) = (label, None);
                }
                r.short = t.reference_short.or(r.short.take());
            }
        }
        out
    }

    /// The source's unit `from_unit` (as a series' `converted_from` names it) in `lang`: the
    /// translation's `from_unit` when the codes convert from that unit.
    pub fn from_unit_in(&self, from_unit: &str, lang: &str) -> Option<&str> {
        let converts_from = self.codes.iter().any(|c| c.from_unit.as_deref() == Some(from_unit));
        self.translations.get(lang).and_then(|t| t.from_unit.as_deref()).filter(|_| converts_from)
    }

    /// The number of observations below which a value of this indicator is "few observations":
    /// its own `few_observations`, or the site's (`site`, from config.toml).
    pub fn few_observations(&self, site: u32) -> u32 {
        self.few_observations.unwrap_or(site)
    }

    /// The value to reach by a year (`reference = { value = 12, ..., year = 2030 }`) and which
    /// way is better: a target progress is measured against. A reference without a year is a
    /// threshold (WHO's 44.5 health workers per 10,000), not a target.
    pub fn target(&self) -> Option<Target> {
        let reference = self.reference.as_ref()?;
        Some(Target { value: reference.value, year: reference.year?, better: self.better? })
    }
}

/// What kind of number the indicator is, which decides the values it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A share between 0 and 100.
    Percent,
    /// A rate, ratio or density: never negative.
    Rate,
    /// A number of people or things: never negative.
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Mortality,
    Workforce,
    Expenditure,
    Coverage,
    Nutrition,
    Programme,
    /// Not an indicator category: the family of charts comparing a place with its peers.
    Peers,
}

impl Category {
    const ALL: [(&'static str, Category); 6] = [
        ("mortality", Category::Mortality),
        ("workforce", Category::Workforce),
        ("expenditure", Category::Expenditure),
        ("coverage", Category::Coverage),
        ("nutrition", Category::Nutrition),
        ("programme", Category::Programme),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Peers => "peers",
            other => Category::ALL.iter().find(|(_, c)| *c == other).map(|(s, _)| *s).unwrap_or_default(),
        }
    }

    /// The names a `chart(family="...")` shortcode accepts: every category and `peers`.
    pub fn family_names() -> impl Iterator<Item = &'static str> {
        Category::ALL.iter().map(|(name, _)| *name).filter(|n| *n != "programme").chain(["peers"])
    }

    /// The family a `chart(family="...")` shortcode names.
    pub fn family(name: &str) -> Option<Category> {
        match name {
            "peers" => Some(Category::Peers),
            "programme" => None,
            name => Category::ALL.iter().find(|(n, _)| *n == name).map(|(_, c)| *c),
        }
    }
}

/// What a chart shows: a place over time, the places inside it compared, or the place among
/// its peers. Pages, the PDF template and shortcodes (`kind="regions"`) name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    Trend,
    Regions,
    Peers,
    /// Groups' latest values and the gaps between them (urban and rural).
    Gaps,
    /// Groups' values over time.
    Groups,
}

impl ChartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Trend => "trend",
            ChartKind::Regions => "regions",
            ChartKind::Peers => "peers",
            ChartKind::Gaps => "gaps",
            ChartKind::Groups => "groups",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub value: f64,
    pub label: String,
    /// A short form of the label ("SDG 3.2"), for charts where the whole one has no room.
    #[serde(default)]
    pub short: Option<String>,
    /// The year a target is to be reached by (2030 for the SDGs); None for a threshold.
    #[serde(default)]
    pub year: Option<i32>,
}

/// An indicator's target: reach `value` by `year`, `better` saying from which side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub value: f64,
    pub year: i32,
    pub better: Better,
}

/// How a code in an imported file becomes this indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeMap {
    pub code: String,
    /// Source values are multiplied by 10^scale_power (per 1,000 to per 10,000 is 1).
    pub scale_power: u32,
    /// The unit the source used, named in the note of converted values.
    pub from_unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorFile {
    name: Option<Spanned<String>>,
    short_name: Option<String>,
    unit: Option<Spanned<String>>,
    measure: Option<Spanned<String>>,
    category: Option<Spanned<String>>,
    better: Option<Spanned<String>>,
    decimals: Option<Spanned<i64>>,
    definition: Option<String>,
    reference: Option<Reference>,
    #[serde(default)]
    codes: Vec<Spanned<CodeFile>>,
    #[serde(default)]
    headline: bool,
    few_observations: Option<Spanned<i64>>,
    #[serde(default)]
    translations: BTreeMap<String, IndicatorText>,
}

/// The catalogue's text: an entry per indicator, and the `[groups]` table, whose key no
/// indicator may take.
#[derive(Default)]
struct CatalogueFile {
    indicators: Vec<(String, Spanned<IndicatorFile>)>,
    groups: Option<Spanned<GroupsFile>>,
}

/// `[groups.area]` then `peri-urban = { name = "Peri-urban", names = { es = "Periurbana" } }`.
type GroupsFile = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, GroupText>>;

impl<'de> Deserialize<'de> for CatalogueFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CatalogueFile, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = CatalogueFile;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table per indicator")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<CatalogueFile, A::Error> {
                let mut file = CatalogueFile::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == GROUPS {
                        file.groups = Some(map.next_value()?);
                    } else {
                        file.indicators.push((key, map.next_value()?));
                    }
                }
                Ok(file)
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// The catalogue's table of groups added to the built-in ones.
const GROUPS: &str = "groups";

/// The whole catalogue: the indicators, in the order written, and the groups series may have.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub indicators: Vec<Indicator>,
    pub groups: Groups,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CodeFile {
    Plain(String),
    Scaled { code: String, multiply: i64, from_unit: Option<String> },
}

pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Catalogue> {
    let text = crate::files::read_text(root, FILE, diags)?;
    parse_all(&text, diags)
}

/// The catalogue's indicators from its text, every problem reported with its place in the text.
pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Vec<Indicator>> {
    parse_all(text, diags).map(|c| c.indicators)
}

/// The catalogue from its text: indicators and groups.
pub fn parse_all(text: &str, diags: &mut Diagnostics) -> Option<Catalogue> {
    let file = match toml::from_str::<CatalogueFile>(text) {
        Ok(file) => file,
        Err(err) => {
            diags.push(crate::files::toml_error(FILE, text, &err));
            return None;
        }
    };
    let text = text.to_string();
    let errors_before = diags.errors().count();
    let groups = file.groups.map(|g| groups(g, &text, diags)).unwrap_or_default();
    let mut entries = file.indicators;
    entries.sort_by_key(|(_, entry)| entry.span().start);
    let mut indicators = Vec::with_capacity(entries.len());
    let mut seen_codes: BTreeMap<String, String> = BTreeMap::new();
    for (id, entry) in entries {
        let span = entry.span();
        if let Some(indicator) = validate(&id, entry.into_inner(), span, &text, diags) {
            for code in &indicator.codes {
                if let Some(other) = seen_codes.insert(code.code.clone(), id.clone()) {
                    diags.push(
                        Diagnostic::error(
                            FILE,
                            format!("the code `{}` is mapped to both `{other}` and `{id}`", code.code),
                        )
                        .help("a source code can belong to one indicator only; remove it from one of them"),
                    );
                }
            }
            indicators.push(indicator);
        }
    }
    distinct_unit_slugs(&mut indicators);
    (diags.errors().count() == errors_before).then_some(Catalogue { indicators, groups })
}

/// The `[groups]` table checked: known dimensions, plain names not already taken, each with a name.
fn groups(file: Spanned<GroupsFile>, text: &str, diags: &mut Diagnostics) -> Groups {
    let mut added: BTreeMap<Dimension, Vec<(String, GroupText)>> = BTreeMap::new();
    for (dimension, values) in file.into_inner() {
        let Some(dim) = Dimension::parse(dimension.get_ref()) else {
            let close = crate::diagnostic::closest(dimension.get_ref(), Dimension::ALL.iter().map(|d| d.as_str()));
            diags.push(
                Diagnostic::error(FILE, format!("`{}` is not a breakdown salud knows", dimension.get_ref()))
                    .at(text, dimension.span())
                    .help(format!(
                        "{}groups can be added to area, sex, wealth and age, e.g. [groups.area] then peri-urban = {{ name = \"Peri-urban\" }}",
                        close.map(|c| format!("did you mean `{c}`? ")).unwrap_or_default()
                    )),
            );
            continue;
        };
        let mut values: Vec<_> = values.into_iter().collect();
        values.sort_by_key(|(value, _)| value.span().start);
        for (value, group) in values {
            let taken = Groups::default().parse(dim.as_str(), value.get_ref()).is_ok();
            let problem = if !super::groups::is_plain_value(value.get_ref()) {
                Some((
                    format!("the group `{}` is not a plain lowercase name", value.get_ref()),
                    "use lowercase letters, digits and dashes, e.g. peri-urban; its name as readers see it goes in `name`",
                ))
            } else if taken {
                Some((
                    format!("`{}` is already a group of `{dim}`", value.get_ref()),
                    "remove it here: salud knows it, and names it in every language",
                ))
            } else if group.name.trim().is_empty() {
                Some((
                    format!("the group `{}` has an empty name", value.get_ref()),
                    "write its name as readers see it, e.g. { name = \"Peri-urban\" }",
                ))
            } else {
                None
            };
            match problem {
                Some((message, help)) => {
                    diags.push(Diagnostic::error(FILE, message).at(text, value.span()).help(help));
                }
                None => added.entry(dim).or_default().push((value.into_inner(), group)),
            }
        }
    }
    Groups::new(added)
}

/// The id, names and units that file names, chart titles and messages show: no control
/// character, and no longer than they can hold.
fn label_problems(id: &str, file: &IndicatorFile, span: std::ops::Range<usize>, text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if id.len() > MAX_ID_CHARS {
        problems.push(
            Diagnostic::error(
                FILE,
                format!("the indicator id `{id}` is {} characters long; salud accepts up to {MAX_ID_CHARS}", id.len()),
            )
            .at(text, span.clone())
            .help("use a short id such as `neonatal_mortality`; it becomes part of file names"),
        );
    }
    let mut labels: Vec<(String, &str, usize, std::ops::Range<usize>)> = Vec::new();
    for (key, field, max) in [("name", &file.name, super::MAX_NAME_CHARS), ("unit", &file.unit, super::MAX_UNIT_CHARS)]
    {
        if let Some(v) = field {
            labels.push((format!("{key} of `{id}`"), v.get_ref(), max, v.span()));
        }
    }
    if let Some(short) = &file.short_name {
        labels.push((format!("short_name of `{id}`"), short, super::MAX_NAME_CHARS, span.clone()));
    }
    for (lang, t) in &file.translations {
        for (key, field, max) in [
            ("name", &t.name, super::MAX_NAME_CHARS),
            ("short_name", &t.short_name, super::MAX_NAME_CHARS),
            ("unit", &t.unit, super::MAX_UNIT_CHARS),
            ("from_unit", &t.from_unit, super::MAX_UNIT_CHARS),
        ] {
            if let Some(v) = field {
                labels.push((format!("{key} of `{id}` in \"{lang}\""), v, max, span.clone()));
            }
        }
    }
    for (what, value, max, at) in labels {
        if let Some((message, help)) = super::check_label(&what, value, max) {
            problems.push(Diagnostic::error(FILE, message).at(text, at).help(help));
        }
    }
    problems
}

/// Two units that differ only in punctuation (`% of children under 5`, `% of children (under
/// 5)`) make the same slug, and their charts would be written to one file: the later unit's
/// slug gets a number.
fn distinct_unit_slugs(indicators: &mut [Indicator]) {
    let natural: std::collections::BTreeSet<String> = indicators.iter().map(|i| i.unit_slug.clone()).collect();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for indicator in indicators {
        let base = indicator.unit_slug.clone();
        let mut slug = base.clone();
        let mut n = 1;
        // The unit that had the slug first keeps it; a later one takes the first free number,
        // free of every unit's own slug too (`per 1000 2` slugs as `per-1000-2`).
        while taken.get(&slug).is_some_and(|unit| *unit != indicator.unit) || (n > 1 && natural.contains(&slug)) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        taken.entry(slug.clone()).or_insert_with(|| indicator.unit.clone());
        indicator.unit_slug = slug;
    }
}

fn validate(
    id: &str,
    file: IndicatorFile,
    span: std::ops::Range<usize>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Indicator> {
    let mut ok = true;
    let mut fail = |d: Diagnostic| {
        diags.push(d);
        ok = false;
    };
    if crate::format::slugify(id).replace('-', "_") != id {
        fail(
            Diagnostic::error(FILE, format!("the indicator id `{id}` is not a plain lowercase name"))
                .at(text, span.clone())
                .help("use lowercase letters, digits and underscores, e.g. `neonatal_mortality`"),
        );
    }
    let required = |field: &Option<Spanned<String>>, key: &str, example: &str| -> Option<Diagnostic> {
        match field {
            Some(v) if !v.get_ref().trim().is_empty() => None,
            Some(v) => Some(
                Diagnostic::error(FILE, format!("the indicator `{id}` has an empty `{key}`"))
                    .at(text, v.span())
                    .help(format!("write its {key}, e.g. {key} = \"{example}\"")),
            ),
            None => Some(
                Diagnostic::error(FILE, format!("the indicator `{id}` has no `{key}`"))
                    .at(text, span.clone())
                    .help(format!("add a line such as {key} = \"{example}\" to its table")),
            ),
        }
    };
    if let Some(d) = required(&file.name, "name", "Neonatal mortality rate") {
        fail(d);
    }
    if let Some(d) = required(&file.unit, "unit", "per 1,000 live births") {
        fail(d);
    }
    for problem in label_problems(id, &file, span.clone(), text) {
        fail(problem);
    }
    let measure = match &file.measure {
        None => Some(Measure::Rate),
        Some(m) => match m.get_ref().as_str() {
            "percent" => Some(Measure::Percent),
            "rate" => Some(Measure::Rate),
            "count" => Some(Measure::Count),
            other => {
                fail(
                    Diagnostic::error(FILE, format!("`{other}` is not a known measure"))
                        .at(text, m.span())
                        .help("use measure = \"percent\" (0 to 100), \"rate\" or \"count\" (never negative)"),
                );
                None
            }
        },
    };
    let category = match &file.category {
        None => {
            fail(Diagnostic::error(FILE, format!("the indicator `{id}` has no `category`"))
                .at(text, span.clone())
                .help("add category = \"mortality\", \"workforce\", \"expenditure\", \"coverage\", \"nutrition\" or \"programme\""));
            None
        }
        Some(c) => match Category::ALL.iter().find(|(s, _)| s == c.get_ref()) {
            Some((_, cat)) => Some(*cat),
            None => {
                fail(Diagnostic::error(FILE, format!("`{}` is not a known category", c.get_ref()))
                    .at(text, c.span())
                    .help("use \"mortality\", \"workforce\", \"expenditure\", \"coverage\", \"nutrition\" or \"programme\""));
                None
            }
        },
    };
    let better = match &file.better {
        None => None,
        Some(b) => match b.get_ref().as_str() {
            "lower" => Some(Better::Lower),
            "higher" => Some(Better::Higher),
            other => {
                fail(
                    Diagnostic::error(FILE, format!("`{other}` is not a direction"))
                        .at(text, b.span())
                        .help("use better = \"lower\" or better = \"higher\""),
                );
                None
            }
        },
    };
    let decimals = match &file.decimals {
        None => 1,
        Some(d) if (0..=6).contains(d.get_ref()) => *d.get_ref() as usize,
        Some(d) => {
            fail(
                Diagnostic::error(FILE, format!("decimals = {} is out of range", d.get_ref()))
                    .at(text, d.span())
                    .help("use a whole number from 0 to 6"),
            );
            1
        }
    };
    let mut codes = Vec::new();
    for code in &file.codes {
        match code.get_ref() {
            CodeFile::Plain(c) => codes.push(CodeMap { code: c.clone(), scale_power: 0, from_unit: None }),
            CodeFile::Scaled { code: c, multiply, from_unit } => {
                match [1, 10, 100, 1000, 10000].iter().position(|m| m == multiply) {
                    Some(power) => codes.push(CodeMap {
                        code: c.clone(),
                        scale_power: power as u32,
                        from_unit: from_unit.clone(),
                    }),
                    None => fail(Diagnostic::error(FILE, format!("multiply = {multiply} is not a power of ten"))
                        .at(text, code.span())
                        .help("salud converts units exactly by moving the decimal point: use 1, 10, 100, 1000 or 10000")),
                }
            }
        }
    }
    if let Some(problem) = untied_from_unit(id, &codes, &file.translations) {
        fail(problem.at(text, span.clone()));
    }
    let few_observations = match &file.few_observations {
        None => None,
        Some(n) => match u32::try_from(*n.get_ref()) {
            Ok(n) => Some(n),
            Err(_) => {
                fail(
                    Diagnostic::error(FILE, format!("few_observations = {} is not a number of observations", n.get_ref()))
                        .at(text, n.span())
                        .help("write below how many observations a value is marked \"few observations\", e.g. few_observations = 50"),
                );
                None
            }
        },
    };
    if let Some(year) = file.reference.as_ref().and_then(|r| r.year) {
        if !(1900..=2100).contains(&year) {
            fail(
                Diagnostic::error(FILE, format!("the reference of `{id}` has year = {year}, which is not a plausible year"))
                    .at(text, span.clone())
                    .help("write the year the target is to be reached by, e.g. reference = { value = 12, label = \"SDG 3.2 target for 2030\", year = 2030 }"),
            );
        }
    }
    if !ok {
        return None;
    }
    let name = file.name.map(Spanned::into_inner).unwrap_or_default();
    Some(Indicator {
        id: super::IndicatorId::new(id),
        at: crate::diagnostic::Location::from_span(text, span),
        short_name: file.short_name.unwrap_or_else(|| name.clone()),
        name,
        unit_slug: file.unit.as_ref().map(|u| crate::format::slugify(u.get_ref())).unwrap_or_default(),
        unit: file.unit.map(Spanned::into_inner).unwrap_or_default(),
        measure: measure?,
        category: category?,
        better,
        decimals,
        definition: file.definition,
        reference: file.reference,
        codes,
        headline: file.headline,
        few_observations,
        translations: file.translations,
    })
}

/// A translated `from_unit` says which unit it translates by the codes: it needs exactly one
/// `from_unit` among them.
fn untied_from_unit(id: &str, codes: &[CodeMap], translations: &BTreeMap<String, IndicatorText>) -> Option<Diagnostic> {
    let lang = translations.iter().find(|(_, t)| t.from_unit.is_some()).map(|(lang, _)| lang)?;
    let mut units: Vec<&str> = codes.iter().filter_map(|c| c.from_unit.as_deref()).collect();
    units.sort_unstable();
    units.dedup();
    match units.as_slice() {
        [_] => None,
        [] => Some(
            Diagnostic::error(FILE, format!("the translation \"{lang}\" of `{id}` gives a `from_unit`, but none of its codes converts from a unit"))
                .help("remove `from_unit` from the translation, or give the code it translates as { code = \"...\", multiply = 10, from_unit = \"per 1,000 people\" }"),
        ),
        several => Some(
            Diagnostic::error(FILE, format!("the translation \"{lang}\" of `{id}` gives one `from_unit`, but its codes convert from {} units ({})", several.len(), several.join("; ")))
                .help("a translation can name one source unit: map the codes with other units to their own indicator, or remove `from_unit` from the translation (notes then name the unit as the code does)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> (Option<Vec<Indicator>>, Diagnostics) {
        let dir = std::env::temp_dir()
            .join(format!("salud-cat-{}", std::process::id()))
            .join(format!("{:x}", text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join(FILE), text).unwrap();
        let mut diags = Diagnostics::default();
        let out = load(&dir, &mut diags);
        std::fs::remove_dir_all(&dir).unwrap();
        (out.map(|c| c.indicators), diags)
    }

    #[test]
    fn a_short_reference_label_is_translated_with_its_label_or_dropped() {
        let indicator = |translation: &str| {
            let text = format!(
                "[x]\nname = \"X\"\nunit = \"%\"\nmeasure = \"percent\"\ncategory = \"nutrition\"\n\
                 reference = {{ value = 12, label = \"SDG 3.2 target for 2030\", short = \"SDG 3.2\", year = 2030 }}\n\
                 translations.es = {{ {translation} }}\n"
            );
            let mut diags = Diagnostics::default();
            let catalogue = parse_all(&text, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
            catalogue.indicators[0].localized("es").reference.unwrap()
        };
        let both = indicator("reference = \"Meta 3.2 de los ODS\", reference_short = \"Meta 3.2\"");
        assert_eq!((both.label.as_str(), both.short.as_deref()), ("Meta 3.2 de los ODS", Some("Meta 3.2")));
        // An English short form beside a Spanish label would mix the two languages.
        let label_only = indicator("reference = \"Meta 3.2 de los ODS\"");
        assert_eq!((label_only.label.as_str(), label_only.short), ("Meta 3.2 de los ODS", None));
        let neither = indicator("name = \"Equis\"");
        assert_eq!((neither.label.as_str(), neither.short.as_deref()), ("SDG 3.2 target for 2030", Some("SDG 3.2")));
    }

    #[test]
    fn the_groups_table_adds_groups_and_is_no_indicator() {
        let text = "[groups.area]\nperi-urban = { name = \"Peri-urban\", names = { es = \"Periurbana\" } }\n\n\
                    [x]\nname = \"X\"\nunit = \"%\"\nmeasure = \"percent\"\ncategory = \"nutrition\"\nbetter = \"lower\"\n\
                    few_observations = 30\nreference = { value = 12, label = \"SDG\", year = 2030 }\n";
        let mut diags = Diagnostics::default();
        let catalogue = parse_all(text, &mut diags).unwrap_or_else(|| panic!("{diags:?}"));
        assert_eq!(catalogue.indicators.len(), 1);
        let x = &catalogue.indicators[0];
        assert_eq!((x.few_observations(50), x.few_observations), (30, Some(30)));
        assert_eq!(x.target(), Some(Target { value: 12.0, year: 2030, better: Better::Lower }));
        let values: Vec<&str> = catalogue.groups.values(Dimension::Area).collect();
        assert_eq!(values, ["urban", "rural", "peri-urban"]);
        // A reference without a year is a threshold, not a target.
        let mut threshold = x.clone();
        threshold.reference.as_mut().unwrap().year = None;
        assert_eq!(threshold.target(), None);

        let wrong = "[groups.aera]\nx = { name = \"X\" }\n[groups.area]\nrural = { name = \"Rural\" }\n\"Peri Urban\" = { name = \"P\" }\n\
                     [x]\nname = \"X\"\nunit = \"%\"\ncategory = \"nutrition\"\nfew_observations = -1\n";
        let mut diags = Diagnostics::default();
        assert!(parse_all(wrong, &mut diags).is_none());
        let problems: Vec<(String, usize)> =
            diags.errors().map(|d| (d.message.clone(), d.location.as_ref().map_or(0, |l| l.line))).collect();
        assert_eq!(
            problems,
            [
                ("`aera` is not a breakdown salud knows".to_string(), 1),
                ("`rural` is already a group of `area`".to_string(), 4),
                ("the group `Peri Urban` is not a plain lowercase name".to_string(), 5),
                ("few_observations = -1 is not a number of observations".to_string(), 10),
            ]
        );
        assert!(diags.0[0].help.as_deref().unwrap().starts_with("did you mean `area`?"));
    }

    #[test]
    fn units_that_slug_alike_get_distinct_slugs() {
        let text = "[a]\nname = \"A\"\nunit = \"% of children under 5\"\ncategory = \"nutrition\"\nmeasure = \"percent\"\n\
                    [b]\nname = \"B\"\nunit = \"% of children (under 5)\"\ncategory = \"nutrition\"\nmeasure = \"percent\"\n\
                    [c]\nname = \"C\"\nunit = \"% of children under 5\"\ncategory = \"nutrition\"\nmeasure = \"percent\"\n";
        let (indicators, diags) = load_text(text);
        let slugs: Vec<String> =
            indicators.unwrap_or_else(|| panic!("{diags:?}")).into_iter().map(|i| i.unit_slug).collect();
        assert_eq!(slugs, ["of-children-under-5", "of-children-under-5-2", "of-children-under-5"]);
        let text = "[a]\nname = \"A\"\nunit = \"per 1000\"\ncategory = \"workforce\"\n\
                    [b]\nname = \"B\"\nunit = \"per 1000 2\"\ncategory = \"workforce\"\n\
                    [c]\nname = \"C\"\nunit = \"per (1000)\"\ncategory = \"workforce\"\n";
        let (indicators, diags) = load_text(text);
        let slugs: Vec<String> =
            indicators.unwrap_or_else(|| panic!("{diags:?}")).into_iter().map(|i| i.unit_slug).collect();
        assert_eq!(slugs, ["per-1000", "per-1000-2", "per-1000-3"]);
    }

    #[test]
    fn keeps_the_order_the_author_wrote() {
        let (out, diags) = load_text(
            "[zeta]\nname = \"Z\"\nunit = \"%\"\ncategory = \"coverage\"\nmeasure = \"percent\"\n\n\
             [alpha]\nname = \"A\"\nunit = \"per 1,000\"\ncategory = \"mortality\"\n\
             codes = [\"A.B\", { code = \"A.C\", multiply = 10, from_unit = \"per 100\" }]\n",
        );
        assert!(!diags.has_errors(), "{diags:?}");
        let out = out.unwrap();
        assert_eq!(out.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["zeta", "alpha"]);
        assert_eq!(out[0].measure, Measure::Percent);
        assert_eq!(out[1].codes[1].scale_power, 1);
    }

    #[test]
    fn a_translated_source_unit_needs_one_unit_among_the_codes() {
        let entry = |codes: &str| {
            format!("[x]\nname = \"X\"\nunit = \"per 10,000\"\ncategory = \"workforce\"\ncodes = [{codes}]\ntranslations.es = {{ from_unit = \"por 1000\" }}\n")
        };
        let (out, diags) = load_text(&entry("{ code = \"A\", multiply = 10, from_unit = \"per 1,000\" }, \"B\""));
        let x = out.unwrap_or_else(|| panic!("{diags:?}")).remove(0);
        assert_eq!(x.from_unit_in("per 1,000", "es"), Some("por 1000"));
        assert_eq!(x.from_unit_in("per 100", "es"), None, "a unit the codes do not convert from");
        assert_eq!(x.from_unit_in("per 1,000", "fr"), None);
        let (out, diags) = load_text(&entry("\"A\""));
        assert!(out.is_none());
        assert!(diags.errors().any(|d| d.message.contains("none of its codes converts from a unit")), "{diags:?}");
        let (out, diags) = load_text(&entry(
            "{ code = \"A\", multiply = 10, from_unit = \"per 1,000\" }, { code = \"B\", multiply = 100, from_unit = \"per 100\" }",
        ));
        assert!(out.is_none());
        assert!(diags.errors().any(|d| d.message.contains("convert from 2 units (per 1,000; per 100)")), "{diags:?}");
    }

    #[test]
    fn an_entry_without_name_or_unit_is_an_error() {
        let (out, diags) = load_text("[x]\ncategory = \"mortality\"\n");
        assert!(out.is_none());
        let messages: Vec<_> = diags.errors().map(|d| d.message.clone()).collect();
        assert_eq!(messages, ["the indicator `x` has no `name`", "the indicator `x` has no `unit`"]);
    }
}
