//! Records the commit salud is built from, for `salud --version`: SALUD_COMMIT when set (a
//! release built from a source archive, without .git), else git's short name of HEAD, else
//! "unknown". Cargo runs this again only when HEAD or the branch it points to moves, so builds
//! between commits stay incremental, and one commit always gives the same binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=SALUD_COMMIT");
    let commit = match std::env::var("SALUD_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => commit.trim().to_string(),
        _ => git_commit().unwrap_or_else(|| "unknown".into()),
    };
    println!("cargo::rustc-env=SALUD_COMMIT={commit}");
}

fn git_commit() -> Option<String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    // salud's source inside someone else's repository (vendored, unpacked from crates.io) is
    // not that repository's commit.
    let top = git(&manifest, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(&manifest).ok()? {
        return None;
    }
    watch(&manifest, "HEAD");
    // On a branch, HEAD names it and the branch's file holds the commit; a detached HEAD (a tag
    // checked out in CI) holds the commit itself.
    if let Some(branch) = git(&manifest, &["symbolic-ref", "-q", "HEAD"]) {
        // Once git has packed the branch into packed-refs, its next commit writes the branch's
        // file again, into a folder that is watched then.
        if !watch(&manifest, &branch) {
            watch(&manifest, "packed-refs");
            if let Some((folder, _)) = branch.rsplit_once('/') {
                watch(&manifest, folder);
            }
        }
    }
    git(&manifest, &["rev-parse", "--short", "HEAD"])
}

/// Tells Cargo to run this again when git's file or folder `name` (HEAD, refs/heads/main...)
/// changes; false when there is none (a path that does not exist is never given to Cargo, which
/// would then run this at every build). In a worktree git keeps HEAD and the branches in
/// different folders, which `git rev-parse --git-path` knows.
fn watch(manifest: &Path, name: &str) -> bool {
    let Some(path) = git(manifest, &["rev-parse", "--git-path", name]) else { return false };
    let path = manifest.join(path);
    if !path.exists() {
        return false;
    }
    println!("cargo::rerun-if-changed={}", path.display());
    true
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).current_dir(dir).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}
