//! The output folder's neighbours and how the new output takes its place: the staging
//! folder, the spare, the swap, and what a killed build leaves for the next one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::manifest::{Manifest, Records};
use super::MARKER;
use crate::error::Error;

/// The swap where the system cannot exchange two folders in one step (macOS, Windows): `dir`
/// is renamed aside to `previous`, then `staging` to `dir`. Never a mix of the old output and
/// the new; what a failed or killed build leaves, by when it stops:
///
/// - Before the first rename (an error or a kill while rendering, or the first rename failing,
///   as on Windows while a program has a file in `dir` open): `dir` as it was. The staging
///   folder is removed at once, or by the next build after a kill.
/// - Between the two renames, an instant: no `dir`, and the whole old output in `previous`,
///   which the next build puts back before it does anything else. A second rename that fails
///   puts it back at once. A web server reading `dir` may answer "not found" in that instant.
/// - After the second: the new output in `dir`. The old one in `previous` is deleted, its
///   marker first, so that one left half deleted by a kill is never put back as the output.
///
/// `spare`: where the old output goes to be made over by the next build, if anywhere.
pub(super) fn swap_by_renames(staging: &Path, dir: &Path, previous: &Path, spare: Option<&Path>) -> Result<(), Error> {
    fs::rename(dir, previous).map_err(|err| Error::Output {
        path: dir.to_path_buf(),
        reason: format!(
            "salud could not move it aside to put the new site in its place ({err}). If a program has a file in it open (a file explorer window, an editor, a web server), close it and build again; {} is unchanged",
            dir.file_name().map_or_else(|| dir.display().to_string(), |n| format!("{}/", n.to_string_lossy()))
        ),
    })?;
    if let Err(err) = fs::rename(staging, dir) {
        let _ = fs::rename(previous, dir);
        return Err(Error::io(dir, err));
    }
    // The new output is in place: an old one that will not go is removed by the next build.
    if spare.is_some_and(|spare| fs::rename(previous, spare).is_ok()) {
        return Ok(());
    }
    let marker = previous.join(MARKER);
    if fs::remove_file(&marker).is_ok() || !marker.exists() {
        let _ = remove_tree(previous);
    }
    Ok(())
}

/// The files a build keeps beside its output folder `public/`: `.public.salud-lock`, the
/// staging folder `.public.salud-new.PID` (one per build, so that no two builds ever share
/// one), `.public.salud-old`, where the fallback swap puts the old output, and
/// `.public.salud-spare`, the output before the current one, which the next build makes over
/// into the new output instead of writing every file again.
pub(super) struct Staging {
    pub(super) parent: PathBuf,
    name: String,
    pub(super) lock: PathBuf,
    pub(super) staging: PathBuf,
    pub(super) previous: PathBuf,
    pub(super) spare: PathBuf,
}

impl Staging {
    pub(super) fn beside(dir: &Path) -> Staging {
        let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        Staging {
            lock: parent.join(format!(".{name}.salud-lock")),
            staging: parent.join(format!(".{name}.salud-new.{}", std::process::id())),
            previous: parent.join(format!(".{name}.salud-old")),
            spare: parent.join(format!(".{name}.salud-spare")),
            parent,
            name,
        }
    }

    /// Staging folders of earlier builds, and the old output of a finished fallback swap.
    pub(super) fn leftovers(&self) -> io::Result<Vec<PathBuf>> {
        let prefix = format!(".{}.salud-new", self.name);
        let mut found = Vec::new();
        for entry in fs::read_dir(&self.parent)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(&prefix) && entry.file_type()?.is_dir() {
                found.push(entry.path());
            }
        }
        // Never followed: a link planted there is not salud's old output.
        if fs::symlink_metadata(&self.previous).is_ok_and(|m| m.file_type().is_dir()) {
            found.push(self.previous.clone());
        }
        found.sort();
        Ok(found)
    }
}

/// The spare output beside `paths`, made into the staging folder when the build keeps
/// records and has the spare's: returns that record. A spare without one is removed.
pub(super) fn recycle_spare(paths: &Staging, records: Option<&Records>) -> Result<Option<Manifest>, Error> {
    let spare = &paths.spare;
    // Never followed: a link planted there is not salud's spare.
    if !fs::symlink_metadata(spare).is_ok_and(|m| m.file_type().is_dir()) {
        return Ok(None);
    }
    let record = records.and_then(|r| r.read(spare));
    if record.is_some() {
        // Its marker goes first, so that a build killed while making it over leaves a
        // folder no record describes (and the next build removes it as a staging folder).
        let moved = fs::remove_file(spare.join(MARKER)).and_then(|()| fs::rename(spare, &paths.staging));
        if moved.is_ok() {
            return Ok(record);
        }
    }
    remove_tree(spare).map_err(|e| Error::io(spare, e))?;
    Ok(None)
}

/// Removes a folder salud wrote and everything in it, its sub-folders on all cores: the
/// previous output of a large site has tens of thousands of files, and removing them one by one
/// took a tenth of the build. Links are removed, never followed.
pub(super) fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    let removed = crate::parallel::map(&entries, |entry| match entry.file_type() {
        Ok(kind) if kind.is_dir() => fs::remove_dir_all(entry.path()),
        _ => fs::remove_file(entry.path()),
    });
    removed.into_iter().collect::<io::Result<()>>()?;
    fs::remove_dir(dir)
}

/// An existing folder is replaced only when salud wrote it (or it is empty): a mistyped
/// `--output` must never delete someone's documents.
pub(super) fn check_replaceable(dir: &Path) -> Result<(), Error> {
    // A link would be swapped away whole and the folder it points to emptied as the old output.
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            reason: "it is a link to another folder; give that folder itself as --output".into(),
        });
    }
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Output { path: dir.to_path_buf(), reason: "it is a file, not a folder".into() });
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

/// Swaps two existing paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`). Tests set
/// SALUD_TEST_FALLBACK_SWAP to take the two renames of macOS and Windows instead.
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    if std::env::var_os("SALUD_TEST_FALLBACK_SWAP").is_some() {
        return Err(io::Error::new(io::ErrorKind::Unsupported, "the fallback swap is forced"));
    }
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

/// Elsewhere the two renames of [`swap_by_renames`] are used.
#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange"))
}
