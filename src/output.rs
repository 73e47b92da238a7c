//! Where a build goes. Renderers add files to an [`Output`] in memory; writing it to disk
//! happens at the end, all at once, so a failed build never leaves a half-written folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;

const WRITERS: usize = 8;

/// Written into every output folder so a later build knows it may replace it.
pub const MARKER: &str = ".salud-output";

#[derive(Debug, Default, Clone)]
pub struct Output {
    /// Keyed by path relative to the output folder, with `/` separators.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn bytes(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// Writes the files beside `dir`, then swaps the new folder in for the old one. Until the
    /// swap the previous output is untouched; after it, the new one is complete.
    pub fn write_atomically(&self, dir: &Path) -> Result<(), Error> {
        check_replaceable(dir)?;
        let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let staging = parent.join(format!(".{name}.salud-new"));
        let previous = parent.join(format!(".{name}.salud-old"));
        // A build killed between the two renames of the fallback below leaves the old output
        // aside: put it back before anything else.
        if !dir.exists() && previous.exists() {
            fs::rename(&previous, dir).map_err(|e| Error::io(&previous, e))?;
        }
        for leftover in [&staging, &previous] {
            if leftover.exists() {
                fs::remove_dir_all(leftover).map_err(|e| Error::io(leftover, e))?;
            }
        }
        self.write_into(&staging).inspect_err(|_| {
            let _ = fs::remove_dir_all(&staging);
        })?;
        if !dir.exists() {
            return fs::rename(&staging, dir).map_err(|e| Error::io(dir, e));
        }
        // One atomic swap where the system has it: at every instant `dir` is either the whole
        // old output or the whole new one.
        if exchange(&staging, dir).is_ok() {
            return fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e));
        }
        fs::rename(dir, &previous).map_err(|e| Error::io(dir, e))?;
        if let Err(err) = fs::rename(&staging, dir) {
            let _ = fs::rename(&previous, dir);
            return Err(Error::io(dir, err));
        }
        fs::remove_dir_all(&previous).map_err(|e| Error::io(&previous, e))
    }

    fn write_into(&self, dir: &Path) -> Result<(), Error> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        fs::write(dir.join(MARKER), b"This folder is written by salud build and replaced whole by the next build.\n")
            .map_err(|e| Error::io(dir, e))?;
        let folders: std::collections::BTreeSet<&str> =
            self.files.keys().filter_map(|rel| rel.rsplit_once('/').map(|(d, _)| d)).collect();
        for folder in folders {
            let path = dir.join(folder);
            fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        // Creating a file costs a disk round trip on some file systems, far more than writing
        // its bytes; several writers overlap those waits.
        let files: Vec<(&String, &Vec<u8>)> = self.files.iter().collect();
        let chunk = files.len().div_ceil(WRITERS).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        for (rel, bytes) in part {
                            let path = dir.join(rel);
                            fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
                        }
                        Ok(())
                    })
                })
                .collect();
            workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err(Error::Output {
                path: dir.to_path_buf(),
                reason: "a writer thread failed".into(),
            })))
        })
    }
}

/// An existing folder is replaced only when salud wrote it (or it is empty): a mistyped
/// `--output` must never delete someone's documents.
fn check_replaceable(dir: &Path) -> Result<(), Error> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        });
    }
    if dir.join("content").exists() || dir.join("data").exists() || dir.join("config.toml").exists() {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            reason: "it holds a site's content/ or data/, and building would replace them".into(),
        });
    }
    let empty = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_none();
    if !empty && !dir.join(MARKER).exists() {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            reason: format!("it is not empty and salud did not write it (it has no {MARKER} file)"),
        });
    }
    Ok(())
}

/// Swaps two existing paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere the two-rename fallback is used.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange"))
}

/// Refuses an output folder that is the site root or contains it.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let root = absolute(root);
    let out = absolute(output);
    if root.starts_with(&out) {
        return Err(Error::Output {
            path: output.to_path_buf(),
            reason: "it is the site's folder or contains it".into(),
        });
    }
    Ok(())
}

/// An absolute, lexically normalised path, so `a/../b` and `b` compare equal even when
/// neither exists yet.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let joined = fs::canonicalize(&joined).unwrap_or(joined);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
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
