//! Locks between salud processes: a build holds its output's lock until it has swapped the new
//! output in, and an import holds the site's until its files are renamed into place, so two of
//! them never write the same files at once.

use std::fs;
use std::path::Path;

use crate::error::Error;

/// Takes the lock at `path` (creating the file); when another process holds it, calls
/// `waiting`, then waits. The operating system lets a lock go when its holder exits, even when
/// killed, so a crashed build never blocks the next one.
pub fn exclusive(path: &Path, waiting: &dyn Fn()) -> Result<fs::File, Error> {
    let file =
        fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(|e| Error::io(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            waiting();
            file.lock().map_err(|e| Error::io(path, e))?;
            Ok(file)
        }
        Err(fs::TryLockError::Error(e)) => Err(Error::io(path, e)),
    }
}
