//! Any bytes as a narrative: the front matter splitter, the TOML front matter, Markdown and
//! shortcode placeholders give a document or errors, never a panic; raw HTML stays escaped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salud::content::{parse, split_front_matter};
use salud::diagnostic::Diagnostics;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(Some((at, front, body))) = split_front_matter(text) {
        assert!(at + front.len() <= text.len() && body.len() <= text.len());
    }
    let mut diags = Diagnostics::default();
    match parse("content/peru/_index.md", text, false, &mut diags) {
        Some(doc) => assert!(!doc.html.contains("<script")),
        None => assert!(diags.has_errors()),
    }
    for d in &diags.0 {
        let _ = d.to_string();
    }
});
