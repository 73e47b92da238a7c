//! Caches between builds, in `.salud-cache/` inside the site: chart PNGs and PDF profiles,
//! the two slowest things a build makes. An entry is named by the hash of everything its file
//! depends on (for a PNG its SVG, the fonts and the encoding; for a PDF every file the
//! typesetter reads), so a changed input can only miss the cache, never reuse a stale file.
//! The cache holds only files salud wrote, each with a checksum: an entry damaged on disk is
//! made again, never published. Entries no build used are removed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The cache's folder inside the site.
pub const ROOT: &str = ".salud-cache";

/// What a cache keeps, each in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// PNGs of charts, maps and link previews.
    Charts,
    /// PDF profiles.
    Profiles,
}

impl Store {
    fn folder(self) -> &'static str {
        match self {
            Store::Charts => "charts",
            Store::Profiles => "profiles",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Store::Charts => "png",
            Store::Profiles => "pdf",
        }
    }
}

/// Bytes after each entry's file: its checksum, [`fast_hash`] of the file.
const CHECKSUM: usize = 8;

pub struct FileCache {
    dir: Option<PathBuf>,
    store: Store,
    used: Mutex<BTreeSet<String>>,
}

impl FileCache {
    /// A cache in the site's folder, or none (every file is made afresh).
    pub fn new(root: Option<&Path>, store: Store) -> FileCache {
        FileCache { dir: root.map(|r| r.join(ROOT).join(store.folder())), store, used: Mutex::new(BTreeSet::new()) }
    }

    /// The file for `key` (everything it depends on), from the cache or made by `make` and
    /// stored. salud's own build is part of every key: another version draws differently.
    pub fn get_or_make<E>(&self, key: &[&[u8]], make: impl FnOnce() -> Result<Vec<u8>, E>) -> Result<Vec<u8>, E> {
        let Some(dir) = &self.dir else { return make() };
        let mut parts = key.to_vec();
        parts.push(build_identity());
        let name = format!("{:016x}.{}", fast_hash(&parts), self.store.extension());
        self.used.lock().expect("cache lock").insert(name.clone());
        RECORDING.with(|r| r.borrow_mut().as_mut().map(|names| names.push(name.clone())));
        let path = dir.join(&name);
        if let Some(bytes) = fs::read(&path).ok().and_then(checked) {
            return Ok(bytes);
        }
        let bytes = make()?;
        // A cache that cannot be written only costs time, so errors are ignored; the write
        // goes through a temporary name so a reader never sees half a file.
        if fs::create_dir_all(dir).is_ok() {
            let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
            let mut entry = Vec::with_capacity(bytes.len() + CHECKSUM);
            entry.extend_from_slice(&bytes);
            entry.extend_from_slice(&fast_hash(&[&bytes]).to_le_bytes());
            if fs::write(&tmp, &entry).is_ok() {
                let _ = fs::rename(&tmp, &path);
            }
        }
        Ok(bytes)
    }

    /// Counts the entries named `names` (see [`recording`]) of this cache's kind as used:
    /// the files of a unit a build did not make again still need them the next time it does.
    pub fn keep(&self, names: &[String]) {
        let mine = names.iter().filter(|n| n.ends_with(self.store.extension())).cloned();
        self.used.lock().expect("cache lock").extend(mine);
    }

    /// Removes the entries this build did not use. A build that made no file of this kind
    /// (PNGs or PDFs turned off, or `salud check`) leaves the cache alone for the next build
    /// that does.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        let used = self.used.lock().expect("cache lock");
        if used.is_empty() {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else { return };
        let length = 17 + self.store.extension().len();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.len() == length
                && name.ends_with(self.store.extension())
                && name[..16].bytes().all(|b| b.is_ascii_hexdigit());
            if ours && !used.contains(&name) || name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

thread_local! {
    /// The entries named while [`recording`] runs on this thread.
    static RECORDING: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `work` and returns the cache entries it named, in every store: a unit of a build
/// (one place's files) is made on one thread, so these are the entries it depends on.
pub fn recording<T>(work: impl FnOnce() -> T) -> (T, Vec<String>) {
    let outer = RECORDING.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = work();
    let names = RECORDING.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer)).unwrap_or_default();
    // A recording inside another: the outer one names these too.
    RECORDING.with(|r| r.borrow_mut().as_mut().map(|outer| outer.extend(names.iter().cloned())));
    (result, names)
}

/// An entry's file, if its checksum holds.
fn checked(mut entry: Vec<u8>) -> Option<Vec<u8>> {
    let at = entry.len().checked_sub(CHECKSUM)?;
    let sum = u64::from_le_bytes(entry[at..].try_into().ok()?);
    entry.truncate(at);
    (fast_hash(&[&entry]) == sum).then_some(entry)
}

/// Which salud made an entry: its version and a hash of its program file, so that a salud
/// rebuilt from changed code never reuses files an earlier one drew.
pub(crate) fn build_identity() -> &'static [u8] {
    static IDENTITY: OnceLock<Vec<u8>> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let program = std::env::current_exe().and_then(fs::read).unwrap_or_default();
        format!("salud {} {:016x}", env!("CARGO_PKG_VERSION"), fast_hash(&[&program])).into_bytes()
    })
}

/// The bytes the cache holds in its folders, for `salud build -v`.
pub fn size(root: &Path) -> u64 {
    walkdir::WalkDir::new(root.join(ROOT))
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// A 64-bit hash of the cache's keys and checksums, eight bytes a step in four lanes: FNV-1a
/// takes a byte a step, and a rebuild hashes every SVG and reads back every cached PNG and PDF
/// (over 300 MB for the default site). Each step multiplies a lane by an odd constant and
/// rotates it, both one-to-one, so a change to any one word of a file always changes its
/// checksum. Stable across machines (little-endian words), unlike the std hasher.
pub(crate) fn fast_hash(parts: &[&[u8]]) -> u64 {
    const PRIMES: [u64; 4] =
        [0x9e37_79b1_85eb_ca87, 0xc2b2_ae3d_27d4_eb4f, 0x1656_67b1_9e37_79f9, 0x85eb_ca77_c2b2_ae63];
    let mix = |lane: u64, word: u64, k: usize| (lane ^ word).wrapping_mul(PRIMES[k]).rotate_left(31);
    let mut lanes = PRIMES;
    let mut total: u64 = 0;
    for part in parts {
        let mut chunks = part.chunks_exact(32);
        for chunk in &mut chunks {
            for (k, lane) in lanes.iter_mut().enumerate() {
                let word = u64::from_le_bytes(chunk[k * 8..k * 8 + 8].try_into().expect("8 bytes"));
                *lane = mix(*lane, word, k);
            }
        }
        // The last bytes, then the part's length, so that parts never run into each other.
        for (i, byte) in chunks.remainder().iter().enumerate() {
            lanes[i % 4] = mix(lanes[i % 4], u64::from(*byte) | 0x100, i % 4);
        }
        lanes[0] = mix(lanes[0], part.len() as u64, 0);
        total = total.wrapping_add(part.len() as u64);
    }
    let mut hash = total;
    for (k, lane) in lanes.iter().enumerate() {
        hash = mix(hash, *lane, k);
    }
    // The finaliser of MurmurHash3: every bit of the result depends on every bit of the lanes.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
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
    fn the_fast_hash_is_stable_separates_parts_and_sees_every_changed_byte() {
        let text: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(fast_hash(&[&text]), fast_hash(&[&text]));
        assert_ne!(fast_hash(&[b"ab", b"c"]), fast_hash(&[b"a", b"bc"]));
        assert_ne!(fast_hash(&[b""]), fast_hash(&[b"", b""]));
        let whole = fast_hash(&[&text]);
        for at in [0, 7, 31, 32, 500, 995, 999] {
            let mut changed = text.clone();
            changed[at] ^= 1;
            assert_ne!(fast_hash(&[&changed]), whole, "byte {at}");
        }
        assert_ne!(fast_hash(&[&text[..999]]), whole);
    }

    #[test]
    fn made_once_then_read_back_and_pruned_when_unused() {
        let root = std::env::temp_dir().join(format!("salud-cache-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join(ROOT).join("charts");
        let cache = FileCache::new(Some(&root), Store::Charts);
        let mut made = 0;
        let mut make = || -> Result<Vec<u8>, ()> {
            made += 1;
            Ok(vec![1, 2, 3])
        };
        assert_eq!(cache.get_or_make(&[b"svg"], &mut make), Ok(vec![1, 2, 3]));
        assert_eq!(cache.get_or_make(&[b"svg"], &mut make), Ok(vec![1, 2, 3]));
        assert_eq!(made, 1);
        // A build without PNGs keeps the cache; one that used other PNGs prunes this one.
        FileCache::new(Some(&root), Store::Charts).prune();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        // A PDF cache prunes only its own folder.
        let pdfs = FileCache::new(Some(&root), Store::Profiles);
        assert_eq!(pdfs.get_or_make(&[b"brief"], || Ok::<_, ()>(vec![9])), Ok(vec![9]));
        pdfs.prune();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        let other = FileCache::new(Some(&root), Store::Charts);
        assert_eq!(other.get_or_make(&[b"another svg"], || Ok::<_, ()>(vec![4])), Ok(vec![4]));
        other.prune();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_damaged_entry_is_made_again_not_returned() {
        let root = std::env::temp_dir().join(format!("salud-cache-damage-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let cache = FileCache::new(Some(&root), Store::Profiles);
        assert_eq!(cache.get_or_make(&[b"brief"], || Ok::<_, ()>(b"%PDF whole".to_vec())), Ok(b"%PDF whole".to_vec()));
        let entry = fs::read_dir(root.join(ROOT).join("profiles")).unwrap().next().unwrap().unwrap().path();
        for damage in [|b: &mut Vec<u8>| b.truncate(5), |b: &mut Vec<u8>| b[2] ^= 1, |b: &mut Vec<u8>| b.clear()] {
            let mut bytes = fs::read(&entry).unwrap();
            damage(&mut bytes);
            fs::write(&entry, bytes).unwrap();
            let mut made = false;
            let got = cache.get_or_make(&[b"brief"], || {
                made = true;
                Ok::<_, ()>(b"%PDF whole".to_vec())
            });
            assert_eq!((got, made), (Ok(b"%PDF whole".to_vec()), true));
            // And stored whole again.
            assert_eq!(checked(fs::read(&entry).unwrap()), Some(b"%PDF whole".to_vec()));
        }
        fs::remove_dir_all(&root).unwrap();
    }
}
