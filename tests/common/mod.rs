//! Helpers for tests that run the real `salud` binary on fixture sites.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("salud-tests").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the good fixture site in a scratch folder, with `overlay` copied over it.
pub fn site_with(name: &str, overlay: Option<&Path>) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&fixture("sites/good"), &dir);
    if let Some(overlay) = overlay {
        copy_dir(overlay, &dir);
        let _ = fs::remove_file(dir.join("expected.txt"));
    }
    dir
}

pub fn salud(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salud")).args(args).output().expect("the salud binary runs")
}

pub fn salud_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salud")).current_dir(dir).args(args).output().expect("the salud binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, relative path to bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// The entries of one store of a site's build cache (`charts`, `profiles`), sorted; none when
/// the store does not exist.
pub fn cache_entries(site: &Path, store: &str) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(site.join(".salud-cache").join(store))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// Fails with the list of files that differ between two folders (not their bytes).
pub fn assert_same_files(a: &Path, b: &Path) {
    let (a, b) = (snapshot(a), snapshot(b));
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the two folders hold different files");
    let differing: Vec<&String> = a.iter().zip(&b).filter(|(x, y)| x.1 != y.1).map(|(x, _)| &x.0).collect();
    assert!(differing.is_empty(), "these files differ: {differing:?}");
}

/// tests/browser/ with its node packages (playwright-core, axe-core, vnu-jar) installed from
/// its package-lock.json on first use.
pub fn node_tools() -> &'static Path {
    static TOOLS: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TOOLS.get_or_init(|| {
        let dir = repo_root().join("tests/browser");
        if !dir.join("node_modules/playwright-core").is_dir() {
            let out = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .output()
                .expect("these tests need Node.js and npm (apt-get install nodejs npm); .ci/run installs them");
            assert!(out.status.success(), "npm ci in tests/browser failed: {}", stderr(&out));
        }
        dir
    })
}

/// The name Chromium answers to on this machine.
pub fn chromium() -> String {
    for name in ["chromium", "chromium-browser"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return name.to_string();
        }
    }
    panic!("this test needs Chromium: install Debian's package (apt-get install chromium); .ci/run does");
}

/// Chromium's full path, for playwright-core's `executablePath`.
pub fn which_chromium() -> String {
    let name = chromium();
    let out = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().expect("sh runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
