//! Where a build goes. Renderers add files to an [`Output`]: kept in memory (for `serve` and
//! `check`), or, for `build`, written at once into a staging folder beside the output, so that
//! memory holds one place's files at a time. Either way the output folder itself changes in one
//! step at the end, so a failed build never leaves a half-written folder.
//!
//! That step is one atomic exchange of the two folders on Linux. macOS and Windows have none
//! for folders, and take two renames instead ([`swap_by_renames`] says what a failed or killed
//! build leaves there); so does Linux when the test-only variable SALUD_TEST_FALLBACK_SWAP is
//! set, so that the tests run both ways.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::Error;

mod manifest;
mod swap;

pub use manifest::Records;
use manifest::{remove_if_there, Manifest, Unit};
use swap::{check_replaceable, exchange, recycle_spare, remove_tree, swap_by_renames, Staging};

/// Written into every output folder so a later build knows it may replace it.
pub const MARKER: &str = ".salud-output";

#[derive(Debug, Default, Clone)]
pub struct Output {
    /// Keyed by path relative to the output folder, with `/` separators. Empty when the
    /// output streams to disk.
    pub files: BTreeMap<String, Vec<u8>>,
    sink: Option<Arc<Sink>>,
    keep: Option<Keep>,
    /// The unit of work whose files this output takes (see [`Output::unit`]); none for the
    /// files made at every build.
    unit: Option<Arc<str>>,
}

/// How [`Output::streaming_into`] works.
pub struct Streaming<'a> {
    /// Called when another build is writing the same output, before waiting for it.
    pub waiting: &'a dyn Fn(),
    /// Where the records of the output are kept, to skip next time what did not change;
    /// none to keep none (`--no-cache`).
    pub records: Option<Records>,
}

/// Which files an in-memory output keeps the bytes of (see [`Output::keeping`]).
#[derive(Clone)]
struct Keep(Arc<dyn Fn(&str) -> bool + Send + Sync>);

impl std::fmt::Debug for Keep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keep")
    }
}

/// The staging folder a streaming output writes into, and what it has written.
#[derive(Debug)]
struct Sink {
    /// Held until the build has swapped its output in or failed: a second build of the same
    /// output waits for it (two at once left one's output half-replaced by the other's).
    _lock: fs::File,
    staging: PathBuf,
    /// Path to size of every file written, to report the build and to count a file written
    /// twice once.
    written: Mutex<BTreeMap<String, usize>>,
    /// The first write that failed; the build fails with it when it finishes.
    error: Mutex<Option<Error>>,
    /// Set once the staging folder has become the output; until then dropping the sink
    /// removes it, so a failed build leaves nothing behind.
    committed: std::sync::atomic::AtomicBool,
    /// The output this build replaces, whose files that come out the same are linked into
    /// the staging folder instead of written again, and its record.
    previous: Option<PathBuf>,
    previous_record: Option<Mutex<Manifest>>,
    /// When the staging folder is the spare (the output before the previous one) made over,
    /// its record: its files of unchanged units are kept, the others replaced or removed.
    recycled: Option<Mutex<Manifest>>,
    records: Option<Records>,
    /// The record of this build, unit by unit.
    units: Mutex<BTreeMap<String, Unit>>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        if !self.committed.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = remove_tree(&self.staging);
        }
    }
}

impl Output {
    /// An output that writes each file as it is added, into a staging folder beside `dir`;
    /// [`Output::write_atomically`] then swaps it in. Refuses a `dir` salud may not replace.
    /// When another build is writing `dir`, calls `waiting` and waits for it to finish.
    pub fn streaming_into(dir: &Path, options: Streaming) -> Result<Output, Error> {
        let paths = Staging::beside(dir);
        fs::create_dir_all(&paths.parent).map_err(|e| Error::io(&paths.parent, e))?;
        let lock = crate::lock::exclusive(&paths.lock, options.waiting)?;
        // Checked under the lock: the build before may have just created the folder.
        check_replaceable(dir)?;
        // A build killed between the two renames of the fallback swap leaves the old output
        // aside: put it back before anything else. Only a whole one, with its marker: the swap
        // removes the marker first when it deletes the old output.
        if !dir.exists()
            && fs::symlink_metadata(&paths.previous).is_ok_and(|m| m.file_type().is_dir())
            && paths.previous.join(MARKER).is_file()
        {
            fs::rename(&paths.previous, dir).map_err(|e| Error::io(&paths.previous, e))?;
        }
        // No other build runs now, so every staging folder left beside the output is a killed
        // build's.
        for leftover in paths.leftovers().map_err(|e| Error::io(&paths.parent, e))? {
            remove_tree(&leftover).map_err(|e| Error::io(&leftover, e))?;
        }
        let records = options.records;
        let recycled = recycle_spare(&paths, records.as_ref())?;
        fs::create_dir_all(&paths.staging).map_err(|e| Error::io(&paths.staging, e))?;
        let previous = dir.join(MARKER).is_file().then(|| dir.to_path_buf());
        let previous_record = previous.as_ref().zip(records.as_ref()).and_then(|(dir, r)| r.read(dir));
        // Any other record is of a folder gone (a killed build's): none outlives this build.
        if let Some(records) = &records {
            records.prune(&[dir]);
        }
        let sink = Sink {
            previous,
            previous_record: previous_record.map(Mutex::new),
            recycled: recycled.map(Mutex::new),
            records,
            units: Mutex::new(BTreeMap::new()),
            _lock: lock,
            staging: paths.staging,
            written: Mutex::new(BTreeMap::new()),
            error: Mutex::new(None),
            committed: std::sync::atomic::AtomicBool::new(false),
        };
        Ok(Output { files: BTreeMap::new(), sink: Some(Arc::new(sink)), keep: None, unit: None })
    }

    /// An empty output that goes where this one goes: for a worker drawing one place.
    pub fn part(&self) -> Output {
        Output { files: BTreeMap::new(), sink: self.sink.clone(), keep: self.keep.clone(), unit: self.unit.clone() }
    }

    /// An empty output for the files of one unit of work (`name`: a place in a language...),
    /// which [`Output::finish_unit`] then records with the key of its inputs.
    pub fn unit(&self, name: &str) -> Output {
        Output { unit: Some(name.into()), ..self.part() }
    }

    /// Records the unit's key and summary (see [`Output::reuse`]) once all its files are in.
    pub fn finish_unit(&self, key: u64, summary: String) {
        if let (Some(sink), Some(name)) = (&self.sink, &self.unit) {
            if let Ok(mut units) = sink.units.lock() {
                let unit = units.entry(name.to_string()).or_default();
                (unit.key, unit.summary) = (key, summary);
            }
        }
    }

    /// When the unit `name` made its files from inputs of the same `key` for the folder being
    /// recycled or for the output being replaced, puts those files in this build as they are
    /// (kept, or linked from the output) and returns the unit's summary; otherwise `None`, and
    /// the unit is to be made. Never for an output kept in memory.
    pub fn reuse(&self, name: &str, key: u64) -> Option<String> {
        let sink = self.sink.as_ref()?;
        // Taken out of the record it comes from: a unit is put in once, and a large site's
        // records hold hundreds of thousands of paths.
        // Only while every file is there as recorded: a file removed or edited by hand since is
        // made again, not published as it is.
        let of = |record: &Option<Mutex<Manifest>>, folder: &Path| {
            let record = record.as_ref()?;
            let unit = {
                let mut units = record.lock().ok()?;
                units.units.get(name).is_some_and(|u| u.key == key).then(|| units.units.remove(name)).flatten()?
            };
            if unit.files.iter().all(|(rel, size)| same_size(&folder.join(rel), *size)) {
                return Some(unit);
            }
            record.lock().ok()?.units.insert(name.to_string(), unit);
            None
        };
        if let Some(unit) = of(&sink.recycled, &sink.staging) {
            return Some(sink.adopt(name, unit));
        }
        let previous = sink.previous.as_ref()?;
        let unit = of(&sink.previous_record, previous)?;
        for (done, (rel, _)) in unit.files.iter().enumerate() {
            if sink.link(previous, rel).is_err() {
                // Nothing half-linked stays: the unit is made whole instead.
                for (rel, _) in &unit.files[..done] {
                    let _ = fs::remove_file(sink.staging.join(rel));
                }
                return None;
            }
        }
        Some(sink.adopt(name, unit))
    }

    /// An in-memory output that lists every file but keeps the bytes only of those `keep`
    /// accepts: for `salud check`, which needs to know every file and read a few pages (the
    /// whole of a 20,000-place site took 6 GB).
    pub fn keeping(keep: impl Fn(&str) -> bool + Send + Sync + 'static) -> Output {
        Output { files: BTreeMap::new(), sink: None, keep: Some(Keep(Arc::new(keep))), unit: None }
    }

    /// Moves what `other` holds in memory into this output.
    pub fn absorb(&mut self, other: Output) {
        for (path, bytes) in other.files {
            self.add(path, bytes);
        }
    }

    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let (path, bytes) = (path.into(), bytes.into());
        match &self.sink {
            Some(sink) => sink.write(self.unit.as_deref(), path, &bytes),
            None => {
                let bytes = if self.keeps(&path) { bytes } else { Vec::new() };
                self.files.insert(path, bytes);
            }
        }
    }

    /// Whether this output keeps a record of its units, to skip next time what is unchanged.
    pub fn keeps_records(&self) -> bool {
        self.sink.as_ref().is_some_and(|s| s.records.is_some())
    }

    /// Whether a file at `path` has been added (or written).
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
            || self.sink.as_ref().is_some_and(|s| s.written.lock().is_ok_and(|w| w.contains_key(path)))
    }

    fn keeps(&self, path: &str) -> bool {
        self.keep.as_ref().is_none_or(|Keep(keep)| keep(path))
    }

    /// A file that many workers write in numbered parts (see [`Assembled`]).
    pub fn assemble(&self, path: &str) -> Assembled {
        let target = match &self.sink {
            None if !self.keeps(path) => Ok(Target::Nowhere),
            None => Ok(Target::Memory(Vec::new())),
            Some(sink) => {
                let target = sink.staging.join(path);
                // A new file, never one of the recycled folder rewritten: it may be shared with
                // the published output.
                target
                    .parent()
                    .map_or(Ok(()), fs::create_dir_all)
                    .and_then(|()| remove_if_there(&target))
                    .and_then(|()| fs::File::create(&target))
                    .map(|file| Target::File(io::BufWriter::new(file)))
            }
        };
        Assembled {
            path: path.to_string(),
            state: Mutex::new(Assembly { next: 0, waiting: BTreeMap::new(), size: 0, target }),
        }
    }

    /// How many files, and how many bytes, the output holds or has written.
    pub fn count(&self) -> usize {
        self.files.len() + self.sink.as_ref().map_or(0, |s| s.written.lock().map_or(0, |w| w.len()))
    }

    pub fn bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum::<usize>()
            + self.sink.as_ref().map_or(0, |s| s.written.lock().map_or(0, |w| w.values().sum()))
    }

    /// Swaps the staging folder of an output made by [`Output::streaming_into`] in for `dir`.
    /// Until the swap the previous output is untouched; after it, the new one is complete.
    pub fn write_atomically(self, dir: &Path) -> Result<(), Error> {
        // Only a build writes, and it streams: an output kept in memory is never published.
        let sink = self.sink.as_ref().expect("an output made by streaming_into");
        if let Some(err) = sink.error.lock().ok().and_then(|mut e| e.take()) {
            return Err(err);
        }
        let staging = sink.staging.clone();
        if let Some(recycled) = &sink.recycled {
            let recycled = recycled.lock().expect("record lock");
            sink.remove_unmade(&recycled).map_err(|e| Error::io(&staging, e))?;
        }
        manifest::write_marker(&staging).map_err(|e| Error::io(&staging, e))?;
        if let Some(records) = &sink.records {
            let units = std::mem::take(&mut *sink.units.lock().expect("record lock"));
            records.write(&staging, &Manifest { units });
        }
        let Staging { spare, previous, .. } = Staging::beside(dir);
        let swapped = if !dir.exists() {
            fs::rename(&staging, dir).map_err(|e| Error::io(dir, e))
        } else if exchange(&staging, dir).is_ok() {
            // One atomic swap where the system has it: at every instant `dir` is either the
            // whole old output or the whole new one. The old one is now at `staging`: it
            // becomes the spare, or the sink's drop removes it.
            if sink.previous_record.is_some() && fs::rename(&staging, &spare).is_ok() {
                sink.committed.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            sink.prune_records(dir, &spare);
            return Ok(());
        } else {
            let keep = sink.previous_record.is_some().then_some(spare.as_path());
            swap_by_renames(&staging, dir, &previous, keep)
        };
        if swapped.is_ok() {
            sink.committed.store(true, std::sync::atomic::Ordering::SeqCst);
            sink.prune_records(dir, &spare);
        }
        swapped
    }
}

impl Sink {
    fn write(&self, unit: Option<&str>, rel: String, bytes: &[u8]) {
        let path = self.staging.join(&rel);
        let result = self.make_parent(&path).and_then(|()| {
            if let Some(recycled) = &self.recycled {
                // A file of the folder being made over is kept when it is the same, under the
                // very name its unit recorded (on a disk that ignores case, `Logo.png` would
                // answer for `logo.png`), and otherwise replaced by a new file: it may be shared
                // with the published output.
                let recorded = recycled.lock().is_ok_and(|r| {
                    r.units.get(unit.unwrap_or_default()).is_some_and(|u| u.files.iter().any(|(p, _)| *p == rel))
                });
                if recorded && holds_exactly(&path, bytes) {
                    return Ok(());
                }
                clear(&path)?;
            }
            if self.reused(&rel, bytes, &path) {
                Ok(())
            } else {
                write_new(&path, bytes)
            }
        });
        let size = self.record(rel.clone(), result.map(|()| bytes.len()));
        self.note(unit, rel, size as u64);
    }

    /// Lists a file in its unit's record.
    fn note(&self, unit: Option<&str>, rel: String, size: u64) {
        if self.records.is_some() {
            if let Ok(mut units) = self.units.lock() {
                units.entry(unit.unwrap_or_default().to_string()).or_default().files.push((rel, size));
            }
        }
    }

    /// Takes a unit's files, already in the staging folder, into this build as they are.
    fn adopt(&self, name: &str, unit: Unit) -> String {
        if let Ok(mut written) = self.written.lock() {
            for (rel, size) in &unit.files {
                if written.insert(rel.clone(), *size as usize).is_some() {
                    self.fail_twice(rel.clone());
                }
            }
        }
        let summary = unit.summary.clone();
        if self.records.is_some() {
            if let Ok(mut units) = self.units.lock() {
                units.insert(name.to_string(), unit);
            }
        }
        summary
    }

    /// Links the previous output's file at `rel` into the staging folder.
    fn link(&self, previous: &Path, rel: &str) -> io::Result<()> {
        let (old, path) = (previous.join(rel), self.staging.join(rel));
        if !fs::symlink_metadata(&old)?.is_file() {
            return Err(io::Error::other("not a file"));
        }
        self.make_parent(&path)?;
        if self.recycled.is_some() {
            clear(&path)?;
        }
        fs::hard_link(&old, &path)
    }

    /// Makes the folder a file goes in. In a folder being made over, a file of the old output
    /// may stand where a folder now goes: it is removed.
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        match fs::create_dir_all(parent) {
            Err(_) if self.recycled.is_some() => {
                for ancestor in parent.ancestors().take_while(|a| a.starts_with(&self.staging) && *a != self.staging) {
                    if fs::symlink_metadata(ancestor).is_ok_and(|m| !m.is_dir()) {
                        fs::remove_file(ancestor)?;
                    }
                }
                fs::create_dir_all(parent)
            }
            other => other,
        }
    }

    /// Removes the files of the recycled folder that this build did not make (the units it kept
    /// are no longer in `recycled`), then the folders they leave empty.
    fn remove_unmade(&self, recycled: &Manifest) -> io::Result<()> {
        let written = self.written.lock().map_err(|_| io::Error::other("record lock"))?;
        let mut folders = std::collections::BTreeSet::new();
        let mut folded: Option<std::collections::HashMap<String, &String>> = None;
        for (rel, _) in recycled.units.values().flat_map(|u| &u.files) {
            if !written.contains_key(rel) {
                // On a disk that ignores case, `Logo.png` may be the `logo.png` just written.
                let folded = folded.get_or_insert_with(|| written.keys().map(|w| (w.to_lowercase(), w)).collect());
                let twin = folded.get(&rel.to_lowercase()).map(|w| self.staging.join(w));
                let path = self.staging.join(rel);
                if twin.is_some_and(|twin| same_file(&path, &twin)) {
                    continue;
                }
                remove_if_there(&path)?;
                let mut folder = Path::new(rel.as_str());
                while let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty()) {
                    folders.insert(parent.to_path_buf());
                    folder = parent;
                }
            }
        }
        // Deepest first; one that still holds files stays.
        for folder in folders.iter().rev() {
            let _ = fs::remove_dir(self.staging.join(folder));
        }
        Ok(())
    }

    /// Keeps the records of the new output and of its spare, and removes the others.
    fn prune_records(&self, dir: &Path, spare: &Path) {
        if let Some(records) = &self.records {
            records.prune(&[dir, spare]);
        }
    }

    /// Links the previous output's file at `rel` to `path` when it holds exactly `bytes`: on an
    /// ordinary disk, creating and filling ten thousand files is most of a rebuild, and a link
    /// is one small write. The file is shared, never changed: no build writes into a file, it
    /// only makes new ones, so the published output stays as it was until the swap.
    fn reused(&self, rel: &str, bytes: &[u8], path: &Path) -> bool {
        let Some(previous) = &self.previous else { return false };
        let old = previous.join(rel);
        holds_exactly(&old, bytes) && fs::hard_link(&old, path).is_ok()
    }

    /// Notes a file as written with its size, or its error as the build's first if none came
    /// before; returns the size (0 after an error).
    fn record(&self, rel: String, result: io::Result<usize>) -> usize {
        match result {
            Ok(size) => {
                let twice = self.written.lock().is_ok_and(|mut written| written.insert(rel.clone(), size).is_some());
                if twice {
                    self.fail_twice(rel);
                }
                size
            }
            Err(err) => {
                if let Ok(mut first) = self.error.lock() {
                    first.get_or_insert(Error::io(&self.staging.join(&rel), err));
                }
                0
            }
        }
    }
}

impl Sink {
    /// Two renderers chose one path: the later file replaced the earlier one, and a page would
    /// show it twice. Never expected; fail rather than publish it.
    fn fail_twice(&self, rel: String) {
        if let Ok(mut first) = self.error.lock() {
            first.get_or_insert(Error::Collision {
                first: "one file salud makes".into(),
                second: "another".into(),
                help: "this is a fault in salud or in a theme; please report it with the site's files".into(),
                path: rel,
            });
        }
    }
}

/// Whether `path` is a plain file of `size` bytes.
fn same_size(path: &Path, size: u64) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// Whether `path` is a plain file holding exactly `bytes`. Only a plain file of the same size
/// is read; a link planted in the output is never followed.
fn holds_exactly(path: &Path, bytes: &[u8]) -> bool {
    same_size(path, bytes.len() as u64) && holds(path, bytes).unwrap_or(false)
}

/// Writes a new file at `path`. Never into an existing one, which may be a hard link of a
/// published file: a path written twice (a fault the build then reports) is replaced.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use io::Write;
    let mut file = match fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            fs::OpenOptions::new().write(true).create_new(true).open(path)?
        }
        other => other?,
    };
    file.write_all(bytes)
}

/// Whether two paths name one file (one inode), as two spellings do on a disk that ignores
/// case.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_a: &Path, _b: &Path) -> bool {
    false
}

/// Makes way for a new file at `path` in a folder being made over: removes the file there,
/// or a folder where a file now goes.
fn clear(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether the file at `path` holds exactly `bytes`, read a block at a time: a rebuild
/// compares hundreds of megabytes, which read whole would be allocated and zeroed for nothing.
fn holds(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut block = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        let read = file.read(&mut block[..rest.len().clamp(1, 16 * 1024)])?;
        if read == 0 {
            return Ok(rest.is_empty());
        }
        if read > rest.len() || block[..read] != rest[..read] {
            return Ok(false);
        }
        rest = &rest[read..];
    }
}

/// A file written in numbered parts, by many workers at once: each part goes to the file as
/// soon as those before it have, so a site-wide download is put together from the places'
/// parts in place order without ever being held whole in memory.
pub struct Assembled {
    path: String,
    state: Mutex<Assembly>,
}

struct Assembly {
    /// The number of the next part to write.
    next: usize,
    /// Parts that arrived before one with a lower number.
    waiting: BTreeMap<usize, Vec<u8>>,
    size: usize,
    target: io::Result<Target>,
}

enum Target {
    File(io::BufWriter<fs::File>),
    Memory(Vec<u8>),
    /// An in-memory output that keeps only the file's name.
    Nowhere,
}

impl Assembled {
    /// Part `number` of the file; numbers start at 0 and every one must be given.
    pub fn put(&self, number: usize, part: Vec<u8>) {
        let Ok(mut state) = self.state.lock() else { return };
        state.waiting.insert(number, part);
        while let Some(part) = {
            let next = state.next;
            state.waiting.remove(&next)
        } {
            state.next += 1;
            state.size += part.len();
            let written = match &mut state.target {
                Ok(Target::File(file)) => io::Write::write_all(file, &part),
                Ok(Target::Memory(bytes)) => {
                    bytes.extend_from_slice(&part);
                    Ok(())
                }
                Ok(Target::Nowhere) | Err(_) => Ok(()),
            };
            if let Err(err) = written {
                state.target = Err(err);
            }
        }
    }

    /// Closes the file and records it in `output`; returns its size. A part never given or a
    /// failed write fails the build, as any failed write does.
    pub fn finish(self, output: &mut Output) -> usize {
        let Ok(state) = self.state.into_inner() else { return 0 };
        let missing =
            (!state.waiting.is_empty()).then(|| io::Error::other(format!("part {} was never written", state.next)));
        let closed = match state.target {
            Ok(Target::Memory(bytes)) => {
                output.add(self.path, bytes);
                return state.size;
            }
            Ok(Target::Nowhere) => {
                output.add(self.path, Vec::new());
                return state.size;
            }
            Ok(Target::File(file)) => file.into_inner().map(drop).map_err(|e| e.into_error()),
            Err(err) => Err(err),
        };
        let Some(sink) = &output.sink else { return 0 };
        let size = sink.record(self.path.clone(), missing.map_or(closed, Err).map(|()| state.size));
        sink.note(output.unit.as_deref(), self.path, size as u64);
        size
    }
}

/// The folders and files of a site that salud reads: an output among them would be read back
/// as the site's own files by the next build (`--output templates` made the output templates).
pub const SOURCES: [&str; 6] = [crate::config::FILE, "content", "data", "themes", "templates", "static"];

/// Refuses an output folder that is the site root or contains it, or that lies among the
/// files the site is built from.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let root = absolute(root);
    let out = absolute(output);
    if root.starts_with(&out) {
        return Err(Error::Output {
            path: output.to_path_buf(),
            reason: "it is the site's folder or contains it".into(),
        });
    }
    if let Some(source) = SOURCES.iter().find(|s| out.starts_with(root.join(s))) {
        return Err(Error::Output {
            path: output.to_path_buf(),
            reason: format!(
                "it is inside {source}, which the site is built from, so the next build would read the output as part of the site; write it elsewhere, e.g. --output public"
            ),
        });
    }
    Ok(())
}

/// An absolute, lexically normalised path, so `a/../b` and `b` compare equal even when
/// neither exists yet. The part that exists is resolved as the system sees it (links followed;
/// on Windows, the `\\?\` form), and the rest appended: a path that does not exist yet must
/// take the same form as the existing folders it is compared with, as when the site is reached
/// through a link (every temporary folder on macOS is).
fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut normal = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let mut existing = normal.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(missing.iter().rev());
    resolved
}

/// Reads every file under `dir` into `output` at `prefix`, skipping links.
pub fn copy_tree(dir: &Path, prefix: &str, output: &mut Output) -> io::Result<usize> {
    let mut count = 0;
    if !dir.is_dir() {
        return Ok(0);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        output.add(format!("{prefix}{rel}"), fs::read(entry.path())?);
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holds_exactly_its_bytes_or_not() {
        let dir = std::env::temp_dir().join(format!("salud-holds-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("f");
        let bytes: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
        fs::write(&file, &bytes).unwrap();
        assert!(holds(&file, &bytes).unwrap());
        assert!(!holds(&file, &bytes[..39_999]).unwrap(), "the file is longer");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(!holds(&file, &longer).unwrap(), "the file is shorter");
        let mut changed = bytes.clone();
        changed[20_000] ^= 1;
        assert!(!holds(&file, &changed).unwrap());
        fs::write(&file, b"").unwrap();
        assert!(holds(&file, b"").unwrap() && !holds(&file, b"x").unwrap());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parts_are_written_in_number_order_whatever_order_they_arrive_in() {
        let dir = std::env::temp_dir().join(format!("salud-assembled-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut output =
            Output::streaming_into(&dir.join("public"), Streaming { waiting: &|| {}, records: None }).unwrap();
        let file = output.assemble("data/all.csv");
        for (number, part) in [(2, "c"), (0, "a"), (3, "d"), (1, "b")] {
            file.put(number, part.as_bytes().to_vec());
        }
        assert_eq!(file.finish(&mut output), 4);
        let staged = dir.join(format!(".public.salud-new.{}/data/all.csv", std::process::id()));
        assert_eq!(fs::read_to_string(&staged).unwrap(), "abcd");
        // A part never given fails the build rather than leaving a file with a hole.
        let holed = output.assemble("holed.csv");
        holed.put(0, b"a".to_vec());
        holed.put(2, b"c".to_vec());
        assert_eq!(holed.finish(&mut output), 0);
        let err = output.write_atomically(&dir.join("public")).unwrap_err().to_string();
        assert!(err.contains("holed.csv") && err.contains("part 1 was never written"), "{err}");
        assert!(!dir.join("public").exists() && !staged.parent().unwrap().parent().unwrap().exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn in_memory_the_parts_become_one_file() {
        let mut output = Output::default();
        let file = output.assemble("all.json");
        file.put(1, b"]".to_vec());
        file.put(0, b"[".to_vec());
        assert_eq!(file.finish(&mut output), 2);
        assert_eq!(output.files["all.json"], b"[]");
    }
}
