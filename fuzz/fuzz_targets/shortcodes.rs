//! Any bytes as Markdown with shortcodes: extracted or a located error, never a panic, and
//! every span inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salud::shortcodes::extract;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    match extract(text) {
        Ok((_, codes)) => {
            for code in codes {
                assert!(code.span.start <= code.span.end && code.span.end <= text.len());
                assert!(text.is_char_boundary(code.span.start) && text.is_char_boundary(code.span.end));
            }
        }
        Err(err) => assert!(err.span.end <= text.len()),
    }
});
