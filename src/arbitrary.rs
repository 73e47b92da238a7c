//! Hostile text for property tests: random bytes, and valid files bent out of shape (bytes
//! flipped, pieces deleted, repeated or spliced with the tokens that matter to TOML, front
//! matter and shortcodes). Deterministic: the same seed gives the same texts, so a failure
//! can be replayed.

/// xorshift64: small, fast and good enough to explore inputs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that mean something to one of the parsers, and characters that often break code
/// that assumes ASCII or one byte per character.
const TOKENS: &[&str] = &[
    "+++",
    "\n+++\n",
    "{{",
    "}}",
    "{{ value(indicator=\"x\") }}",
    "(",
    ")",
    "=",
    "\"",
    "'",
    "[",
    "]",
    "[[series]]",
    "[series.values]",
    "{",
    "}",
    ",",
    ".",
    "\n",
    "\r\n",
    "\t",
    " ",
    "#",
    "\\",
    "\\u",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "99999999999999999999",
    "2024",
    "= 1.5",
    "é",
    "ñ",
    "\u{feff}",
    "\u{0}",
    "\u{202e}",
    "😀",
    "<script>",
    "```",
    " onfocus=",
    "{#",
    "javascript:",
    "](",
    "name",
    "values",
    "indicator",
];

/// `count` texts made from `seed` by random edits, plus some random byte strings made text.
pub fn variants(seed: &str, count: usize, rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        if i % 10 == 0 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            out.push(String::from_utf8_lossy(&bytes).into_owned());
            continue;
        }
        let mut text: Vec<char> = seed.chars().collect();
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(text.len() + 1);
            match rng.below(5) {
                0 if !text.is_empty() => {
                    let end = (at + rng.below(40)).min(text.len());
                    text.drain(at.min(end)..end);
                }
                1 => {
                    let token = TOKENS[rng.below(TOKENS.len())];
                    text.splice(at..at, token.chars());
                }
                2 if !text.is_empty() => {
                    let start = rng.below(text.len());
                    let end = (start + rng.below(60)).min(text.len());
                    let piece: Vec<char> = text[start..end].to_vec();
                    text.splice(at..at, piece.repeat(1 + rng.below(3)));
                }
                3 if at < text.len() => text[at] = char::from_u32(rng.below(0x800) as u32).unwrap_or('?'),
                _ => {
                    let depth = rng.below(300);
                    text.splice(at..at, std::iter::repeat_n('[', depth));
                }
            }
        }
        out.push(text.into_iter().collect());
    }
    out
}
