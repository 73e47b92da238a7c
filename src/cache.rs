//! A cache of chart PNGs between builds, in `.salud-cache/` inside the site. Rasterising is
//! by far the slowest step of a build; a chart whose SVG has not changed reuses its PNG.
//! The cache holds only files salud wrote, and entries no build used are removed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const DIR: &str = ".salud-cache/charts";

pub struct PngCache {
    dir: Option<PathBuf>,
    used: Mutex<BTreeSet<String>>,
}

impl PngCache {
    /// A cache in the site's folder, or none (every PNG is made afresh).
    pub fn new(root: Option<&Path>) -> PngCache {
        PngCache { dir: root.map(|r| r.join(DIR)), used: Mutex::new(BTreeSet::new()) }
    }

    /// The PNG for `key` (the SVG and everything else it depends on), from the cache or made
    /// by `make` and stored.
    pub fn get_or_make<E>(&self, key: &[&[u8]], make: impl FnOnce() -> Result<Vec<u8>, E>) -> Result<Vec<u8>, E> {
        let Some(dir) = &self.dir else { return make() };
        let name = format!("{:016x}.png", fnv1a(key));
        self.used.lock().expect("cache lock").insert(name.clone());
        let path = dir.join(&name);
        if let Ok(bytes) = fs::read(&path) {
            return Ok(bytes);
        }
        let bytes = make()?;
        // A cache that cannot be written only costs time, so errors are ignored; the write
        // goes through a temporary name so a reader never sees half a file.
        if fs::create_dir_all(dir).is_ok() {
            let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
            if fs::write(&tmp, &bytes).is_ok() {
                let _ = fs::rename(&tmp, &path);
            }
        }
        Ok(bytes)
    }

    /// Removes the entries this build did not use. A build that made no PNG at all (PNGs
    /// turned off, or `salud check`) leaves the cache alone for the next build that does.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().expect("cache lock");
        if used.is_empty() {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.len() == 20 && name.ends_with(".png") && name[..16].bytes().all(|b| b.is_ascii_hexdigit());
            if ours && !used.contains(&name) || name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and machines, unlike the std hasher.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_stable_and_separates_parts() {
        // FNV-1a 64 of the single separator byte 0xff, computed independently.
        assert_eq!(fnv1a(&[b""]), 0xaf64_724c_8602_eb6e);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
        assert_eq!(fnv1a(&[b"chart"]), fnv1a(&[b"chart"]));
    }

    #[test]
    fn made_once_then_read_back_and_pruned_when_unused() {
        let root = std::env::temp_dir().join(format!("salud-cache-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let cache = PngCache::new(Some(&root));
        let mut made = 0;
        let mut make = || -> Result<Vec<u8>, ()> {
            made += 1;
            Ok(vec![1, 2, 3])
        };
        assert_eq!(cache.get_or_make(&[b"svg"], &mut make), Ok(vec![1, 2, 3]));
        assert_eq!(cache.get_or_make(&[b"svg"], &mut make), Ok(vec![1, 2, 3]));
        assert_eq!(made, 1);
        // A build without PNGs keeps the cache; one that used other PNGs prunes this one.
        PngCache::new(Some(&root)).prune();
        assert_eq!(fs::read_dir(root.join(DIR)).unwrap().count(), 1);
        let other = PngCache::new(Some(&root));
        assert_eq!(other.get_or_make(&[b"another svg"], || Ok::<_, ()>(vec![4])), Ok(vec![4]));
        other.prune();
        assert_eq!(fs::read_dir(root.join(DIR)).unwrap().count(), 1);
        fs::remove_dir_all(&root).unwrap();
    }
}
