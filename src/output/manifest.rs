//! The record a build keeps of the output folder it made, so that the next build can skip
//! what did not change: for each *unit* of work (a place in one language, a language's
//! site-wide downloads, the site's other pages), the key of its inputs, the files it made and
//! what other pages need to know of it (its summary, opaque here).
//!
//! A record is only ever trusted for the folder it describes. A folder is known by its
//! marker file's identity (device, inode and modification time, which a new marker always
//! changes), so a record never describes a folder that was rebuilt, copied or replaced since.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::MARKER;

/// One unit's record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    /// The hash of everything the unit's files depend on; 0 for files made at every build.
    pub key: u64,
    /// The files it made, from the output root, with their sizes.
    pub files: Vec<(String, u64)>,
    /// What the renderer needs of the unit when it is not made again (links, sizes...).
    pub summary: String,
}

/// Every unit of one output folder, by name.
#[derive(Debug, Default, PartialEq)]
pub struct Manifest {
    pub units: BTreeMap<String, Unit>,
}

/// First line of a record file; a record in another format is not read.
const HEADER: &str = "salud output record 1";

impl Manifest {
    /// One line per item, so that a record of 600,000 files reads in a few tens of
    /// milliseconds: `U key name`, then the unit's `S summary` and its files' `F size shared
    /// rest` lines (a path is the first `shared` bytes of the one before and `rest`: a
    /// place's files share its folder), and last the checksum of all that, so that a damaged
    /// record is never trusted.
    fn to_text(&self) -> Option<String> {
        use std::fmt::Write;
        let mut text = format!("{HEADER}\n");
        for (name, unit) in &self.units {
            let lines = std::iter::once(name.as_str())
                .chain(std::iter::once(unit.summary.as_str()))
                .chain(unit.files.iter().map(|(p, _)| p.as_str()));
            // A name with a line break cannot be recorded: no record, so nothing is skipped.
            if lines.into_iter().any(|l| l.contains(['\n', '\r'])) {
                return None;
            }
            let _ = write!(text, "U {:016x} {name}\nS {}\n", unit.key, unit.summary);
            let mut before = "";
            for (path, size) in &unit.files {
                let shared = before.bytes().zip(path.bytes()).take_while(|(a, b)| a == b).count();
                // Cut at a character's start, so that both parts stay text.
                let shared = (0..=shared).rev().find(|&n| path.is_char_boundary(n)).unwrap_or(0);
                let _ = writeln!(text, "F {size} {shared} {}", &path[shared..]);
                before = path;
            }
        }
        let sum = crate::cache::fast_hash(&[text.as_bytes()]);
        text.push_str(&format!("C {sum:016x}\n"));
        Some(text)
    }

    fn from_text(text: &str) -> Option<Manifest> {
        let (body, sum) = text.strip_suffix('\n')?.rsplit_once('\n')?;
        let body = &text[..body.len() + 1];
        let sum = u64::from_str_radix(sum.strip_prefix("C ")?, 16).ok()?;
        if crate::cache::fast_hash(&[body.as_bytes()]) != sum {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut units = BTreeMap::new();
        let mut current: Option<(String, Unit)> = None;
        for line in lines {
            let (kind, rest) = line.split_at_checked(2)?;
            match kind {
                "U " => {
                    units.extend(current.take());
                    let (key, name) = rest.split_once(' ')?;
                    let key = u64::from_str_radix(key, 16).ok()?;
                    current = Some((name.to_string(), Unit { key, ..Unit::default() }));
                }
                "S " => current.as_mut()?.1.summary = rest.to_string(),
                "F " => {
                    let (size, rest) = rest.split_once(' ')?;
                    let (shared, rest) = rest.split_once(' ')?;
                    let files = &mut current.as_mut()?.1.files;
                    let before = files.last().map_or("", |(p, _)| p.as_str());
                    let path = [before.get(..shared.parse::<usize>().ok()?)?, rest].concat();
                    files.push((path, size.parse().ok()?));
                }
                _ => return None,
            }
        }
        units.extend(current);
        Some(Manifest { units })
    }
}

/// Where the records of one output folder are kept: a folder of the site's cache, named by
/// the output folder's path, one file per output folder it has seen (the output and its spare).
#[derive(Debug, Clone)]
pub struct Records {
    dir: PathBuf,
}

impl Records {
    /// The records of the output folder `output` in the cache folder `cache`.
    pub fn new(cache: &Path, output: &Path) -> Records {
        let name = super::absolute(output).to_string_lossy().into_owned();
        let hash = crate::cache::fast_hash(&[name.as_bytes()]);
        Records { dir: cache.join("outputs").join(format!("{hash:016x}")) }
    }

    /// The record of `folder`, if there is one and it is whole.
    pub fn read(&self, folder: &Path) -> Option<Manifest> {
        let id = identity(folder)?;
        let text = fs::read_to_string(self.dir.join(format!("{id}.record"))).ok()?;
        Manifest::from_text(&text)
    }

    /// Records `manifest` as describing `folder` as it is now (its marker written). A record
    /// that cannot be written only costs the next build time.
    pub fn write(&self, folder: &Path, manifest: &Manifest) {
        let (Some(id), Some(text)) = (identity(folder), manifest.to_text()) else { return };
        if fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let path = self.dir.join(format!("{id}.record"));
        let tmp = self.dir.join(format!("{id}.record.{}.tmp", std::process::id()));
        if fs::write(&tmp, text).is_ok() {
            let _ = fs::rename(&tmp, &path);
        }
    }

    /// Removes every record but those of `keep` (the output and its spare).
    pub fn prune(&self, keep: &[&Path]) {
        let kept: Vec<String> = keep.iter().filter_map(|f| identity(f)).map(|id| format!("{id}.record")).collect();
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            if !kept.contains(&entry.file_name().to_string_lossy().into_owned()) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// What tells one output folder from another: its marker file's device, inode and time. A
/// build writes a new marker into every folder it makes, so the identity changes; a copy has
/// another inode. Systems without inodes keep no records, and rebuild everything.
#[cfg(unix)]
fn identity(folder: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(folder.join(MARKER)).ok().filter(|m| m.is_file())?;
    Some(format!("{:x}-{:x}-{:x}-{:x}", meta.dev(), meta.ino(), meta.mtime(), meta.mtime_nsec()))
}

#[cfg(not(unix))]
fn identity(_folder: &Path) -> Option<String> {
    None
}

/// Writes the marker into a folder being made, as a new file: the old one may be shared with
/// the published output (a hard link), and a new file gives the folder a new identity.
pub fn write_marker(folder: &Path) -> io::Result<()> {
    remove_if_there(&folder.join(MARKER))?;
    fs::write(folder.join(MARKER), b"This folder is written by salud build and replaced whole by the next build.\n")
}

/// Removes a file, if there is one.
pub fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut units = BTreeMap::new();
        units.insert(
            "place:es/peru".to_string(),
            Unit {
                key: 0xfeed_0000_0000_0001,
                files: vec![("es/peru/index.html".into(), 5120), ("es/peru/charts/a b.svg".into(), 7)],
                summary: r#"{"charts":3,"note":"S F U"}"#.into(),
            },
        );
        units.insert(String::new(), Unit { key: 0, files: vec![("style.css".into(), 10)], summary: String::new() });
        Manifest { units }
    }

    #[test]
    fn a_record_reads_back_as_written_and_a_damaged_one_not_at_all() {
        let manifest = sample();
        let text = manifest.to_text().unwrap();
        assert_eq!(Manifest::from_text(&text), Some(manifest));
        assert!(text.contains("F 7 8 charts/a b.svg\n"), "{text}");
        assert_eq!(Manifest::from_text(&text.replace("F 7 8 ", "F seven 8 ")), None);
        assert_eq!(Manifest::from_text(&text.replace("F 7 ", "F 8 ")), None, "the checksum sees a change");
        assert_eq!(Manifest::from_text(&text[..text.len() - 30]), None, "nor a cut");
        assert_eq!(Manifest::from_text(&text.replace(HEADER, "salud output record 0")), None);
        assert_eq!(Manifest::from_text("U 1 x\n"), None);
        let mut broken = sample();
        broken.units.get_mut("").unwrap().files.push(("a\nb".into(), 1));
        assert_eq!(broken.to_text(), None, "a path with a line break is never recorded");
        let mut carriage = sample();
        carriage.units.get_mut("").unwrap().files.push(("a\r".into(), 1));
        assert_eq!(carriage.to_text(), None);
    }

    #[test]
    fn a_record_describes_only_the_folder_it_was_written_for() {
        let root = std::env::temp_dir().join(format!("salud-records-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let (public, spare) = (root.join("public"), root.join("spare"));
        fs::create_dir_all(&public).unwrap();
        fs::create_dir_all(&spare).unwrap();
        let records = Records::new(&root.join("cache"), &public);
        // No marker, no identity: nothing is recorded.
        records.write(&public, &sample());
        assert_eq!(records.read(&public), None);
        write_marker(&public).unwrap();
        write_marker(&spare).unwrap();
        records.write(&public, &sample());
        assert_eq!(records.read(&public), Some(sample()));
        assert_eq!(records.read(&spare), None);
        // A folder given a new marker (rebuilt) is another folder.
        // File times tick in steps of a few milliseconds.
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_marker(&public).unwrap();
        assert_eq!(records.read(&public), None);
        records.write(&public, &Manifest::default());
        records.write(&spare, &sample());
        records.prune(&[&spare]);
        assert_eq!((records.read(&public), records.read(&spare)), (None, Some(sample())));
        fs::remove_dir_all(&root).unwrap();
    }
}
