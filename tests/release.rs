//! Releases (issue 18): scripts/release.sh packages salud with its README, licences and a
//! checksum; install.sh installs the archive for this computer once its checksum matches; the
//! deploy recipes install a pinned release with it and build a site made by `salud new`, with no
//! Rust toolchain on the PATH. Every download comes from a small HTTP server on 127.0.0.1
//! serving the packaged folder, as the installer's SALUD_DOWNLOAD_BASE allows.
//!
//! The release script packages the binary cargo built for these tests (SALUD_BINARY) rather
//! than compiling salud a second time.
#![cfg(target_os = "linux")]

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use common::*;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release's target name for this machine, as install.sh detects it.
fn target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// The packaged release and the address it is served at, made once for all the tests here.
struct Release {
    dist: PathBuf,
    base: String,
}

fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let dist = scratch("release-dist");
        let out = Command::new("bash")
            .arg(repo_root().join("scripts/release.sh"))
            .env("SALUD_BINARY", env!("CARGO_BIN_EXE_salud"))
            .env("SALUD_DIST", &dist)
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "scripts/release.sh failed: {}{}", stdout(&out), stderr(&out));
        let base = serve_folder(dist.clone());
        Release { dist, base }
    })
}

/// Serves the files of `dir` over HTTP on 127.0.0.1 (a free port) until the tests end; returns
/// its address. One request per connection, as curl and wget make them here.
fn serve_folder(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
    address
}

fn answer(mut stream: TcpStream, dir: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The headers, up to the blank line; none matters here.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
    let file = (!path.is_empty() && !path.contains("..") && !path.contains('/')).then(|| dir.join(path));
    let response = match file.and_then(|f| fs::read(f).ok()) {
        Some(bytes) => {
            let mut response =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", bytes.len()).into_bytes();
            response.extend(bytes);
            response
        }
        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&response);
}

/// This test process's PATH less every folder that holds cargo or rustc: what a machine without
/// Rust has.
fn path_without_rust() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> =
        std::env::split_paths(&path).filter(|d| !d.join("cargo").exists() && !d.join("rustc").exists()).collect();
    std::env::join_paths(kept).unwrap().to_string_lossy().into_owned()
}

/// A command with nothing of this process's environment but a PATH without Rust, a HOME and a
/// TMPDIR of its own in `home`, and the download address `base`.
fn clean_command(program: &str, home: &Path, base: &str) -> Command {
    let tmp = home.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", path_without_rust())
        .env("HOME", home)
        .env("TMPDIR", &tmp)
        .env("SALUD_DOWNLOAD_BASE", base)
        .current_dir(home);
    command
}

fn install(args: &[&str], home: &Path, base: &str) -> Output {
    clean_command("sh", home, base).arg(repo_root().join("install.sh")).args(args).output().expect("sh runs")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn succeeded(out: &Output, what: &str) {
    assert!(out.status.success(), "{what} failed:\n{}\n{}", stdout(out), stderr(out));
}

#[test]
fn the_release_archive_holds_salud_its_readme_and_licences_with_a_checksum_beside_it() {
    let release = release();
    let name = format!("salud-{VERSION}-{}", target());
    let archive = format!("{name}.tar.gz");
    assert_eq!(
        names_in(&release.dist),
        ["install.ps1".into(), "install.sh".into(), archive.clone(), format!("{archive}.sha256")]
    );
    let listing = Command::new("tar").arg("-tzf").arg(release.dist.join(&archive)).output().unwrap();
    let listing = stdout(&listing);
    for file in [
        "salud",
        "README.md",
        "LICENSE",
        "licenses/README.txt",
        "licenses/DejaVu-fonts.txt",
        "licenses/Unicode-CLDR.txt",
        "licenses/rust-libraries.txt",
    ] {
        assert!(listing.lines().any(|l| l == format!("{name}/{file}")), "no {file} in the archive:\n{listing}");
    }
    let checked =
        Command::new("sha256sum").arg("-c").arg(format!("{archive}.sha256")).current_dir(&release.dist).output();
    succeeded(&checked.unwrap(), "sha256sum -c");
    // The libraries' licences name each library built in, with its licence text.
    let unpacked = scratch("release-unpacked");
    succeeded(
        &Command::new("tar").arg("-xzf").arg(release.dist.join(&archive)).arg("-C").arg(&unpacked).output().unwrap(),
        "tar -x",
    );
    let libraries = read(&unpacked.join(&name).join("licenses/rust-libraries.txt"));
    assert!(libraries.contains("=== typst 0.15") && libraries.contains("Apache-2.0"), "{}", &libraries[..500]);
    assert!(libraries.contains("=== serde ") && libraries.contains("Permission is hereby granted"));
    assert!(!libraries.contains("=== salud "), "salud's own licence is LICENSE");
}

#[test]
fn the_installer_installs_the_release_and_a_new_site_builds_without_rust() {
    let release = release();
    let home = scratch("release-install");
    let bin = home.join("tools");
    let out = install(&["--dir", &bin.to_string_lossy()], &home, &release.base);
    succeeded(&out, "install.sh");
    let said = stdout(&out);
    let installed = bin.join("salud");
    assert!(
        said.contains(&format!("Downloading salud {VERSION} for {} from {}/", target(), release.base))
            && said.contains("Checked its SHA-256 checksum")
            && said.contains(&format!("Installed salud {VERSION} (commit "))
            && said.contains(&format!("as {}", installed.display())),
        "{said}"
    );
    assert!(said.contains("is not on your PATH yet") && said.contains("export PATH="), "{said}");
    assert_eq!(names_in(&bin), ["salud"], "nothing but salud is left in the folder");
    assert!(names_in(&home.join("tmp")).is_empty(), "the temporary folder is removed");

    let path = format!("{}:{}", bin.display(), path_without_rust());
    let shell =
        |script: &str| clean_command("sh", &home, "").env("PATH", &path).arg("-c").arg(script).output().unwrap();
    assert!(!shell("command -v cargo").status.success(), "cargo is found on the PATH of a machine without Rust");
    assert_eq!(stdout(&shell("command -v salud")).trim(), installed.to_string_lossy());
    let out = shell("salud new x && cd x && salud build && salud check");
    succeeded(&out, "salud new, build and check");
    assert!(home.join("x/public/index.html").is_file() && home.join("x/public/peru/salud-profile-peru.pdf").is_file());

    // Installing again replaces salud in one step, and says it is on the PATH now.
    let out = clean_command("sh", &home, &release.base)
        .env("PATH", &path)
        .arg(repo_root().join("install.sh"))
        .args(["--dir", &bin.to_string_lossy()])
        .output()
        .unwrap();
    succeeded(&out, "install.sh again");
    assert!(stdout(&out).contains("Start a site with: salud new my-site"), "{}", stdout(&out));
    assert_eq!(names_in(&bin), ["salud"]);
}

#[test]
fn the_installer_refuses_an_archive_that_does_not_match_its_checksum_and_installs_nothing() {
    let release = release();
    let tampered = scratch("release-tampered");
    for name in names_in(&release.dist) {
        fs::copy(release.dist.join(&name), tampered.join(&name)).unwrap();
    }
    // Bytes added at the end: tar still unpacks it, so only the checksum tells.
    let archive = tampered.join(format!("salud-{VERSION}-{}.tar.gz", target()));
    let mut file = fs::OpenOptions::new().append(true).open(&archive).unwrap();
    file.write_all(b"not what was published").unwrap();
    drop(file);
    let base = serve_folder(tampered);

    let home = scratch("release-tampered-home");
    let bin = home.join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("salud"), "the salud installed before").unwrap();
    let out = install(&["--dir", &bin.to_string_lossy()], &home, &base);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("salud installer: the download does not match its checksum")
            && err.contains("Nothing was installed"),
        "{err}"
    );
    assert_eq!(read(&bin.join("salud")), "the salud installed before");
    assert_eq!(names_in(&bin), ["salud"], "no partial file is left beside it");
    assert!(names_in(&home.join("tmp")).is_empty(), "the download is removed");
    // A folder that did not exist is not even made.
    let fresh = home.join("fresh");
    let out = install(&["--dir", &fresh.to_string_lossy()], &home, &base);
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists());

    // A version that was never released is a clear error, with nothing installed either.
    let out = clean_command("sh", &home, &release.base)
        .env("SALUD_VERSION", "9.9.9")
        .arg(repo_root().join("install.sh"))
        .args(["--dir", &fresh.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("could not download") && stderr(&out).contains("version 9.9.9"), "{}", stderr(&out));
    assert!(!fresh.exists());
}

/// A new site made by `salud new` in `home/site`.
fn new_site(home: &Path) -> PathBuf {
    let site = home.join("site");
    succeeded(&salud(&["new", &site.to_string_lossy()]), "salud new");
    site
}

/// Runs a recipe's build commands as its host would: each with bash (stopping at the first
/// error, as the hosts do), in the site's folder, with the host's variables `vars`, downloads
/// from the local server and no Rust on the PATH.
fn run_recipe(home: &Path, site: &Path, commands: &[String], vars: &[(&str, &str)]) {
    for command in commands {
        let out = clean_command("bash", home, &release().base)
            .envs(vars.iter().copied())
            .current_dir(site)
            .args(["-e", "-o", "pipefail", "-c", command])
            .output()
            .unwrap();
        succeeded(&out, command);
    }
    assert!(home.join(".local/bin/salud").is_file(), "the recipe installs salud into ~/.local/bin");
}

fn publishes_the_site(site: &Path, published: &str, address: &str) {
    let public = site.join(published);
    assert!(
        public.join("index.html").is_file() && public.join("peru/index.html").is_file(),
        "{published}/ holds the site"
    );
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(sitemap.contains(&format!("<loc>{address}peru/</loc>")), "{sitemap}");
}

/// The value of `key: value` lines under a top-level `section:` of a YAML file.
fn yaml_block<'a>(text: &'a str, section: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != format!("{section}:"))
        .skip(1)
        .take_while(|l| l.starts_with(' ') || l.is_empty())
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect()
}

#[test]
fn the_github_pages_workflow_salud_new_writes_installs_the_pinned_release_and_builds() {
    let home = scratch("recipe-github");
    let site = new_site(&home);
    let workflow = read(&site.join(".github/workflows/publish.yml"));
    assert_eq!(
        workflow,
        read(&repo_root().join("docs/deploy/github-pages.yml")),
        "docs/deploy/ shows what salud new writes"
    );
    assert!(workflow.contains("shell: bash"), "bash stops at a failed download in a pipe (pipefail)");
    let env: Vec<(&str, &str)> = yaml_block(&workflow, "env")
        .iter()
        .filter_map(|l| l.trim().split_once(": "))
        .map(|(k, v)| (k, v.trim_matches('"')))
        .collect();
    assert_eq!(env, [("SALUD_VERSION", VERSION)], "the version that made the site is pinned");
    let commands: Vec<String> = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .map(|c| c.replace("${{ steps.pages.outputs.base_url }}", "https://user.github.io/repo"))
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(!workflow.contains("run: |") && commands.iter().all(|c| !c.contains("${{")), "{commands:?}");
    run_recipe(&home, &site, &commands, &env);
    assert!(workflow.contains("path: public"));
    publishes_the_site(&site, "public", "https://user.github.io/repo/");
}

#[test]
fn the_netlify_file_salud_new_writes_installs_the_pinned_release_and_builds() {
    let home = scratch("recipe-netlify");
    let site = new_site(&home);
    let text = read(&site.join("netlify.toml"));
    assert_eq!(text, read(&repo_root().join("docs/deploy/netlify.toml")), "docs/deploy/ shows what salud new writes");
    let recipe: toml::Table = toml::from_str(&text).unwrap();
    let build = recipe["build"].as_table().unwrap();
    let command = build["command"].as_str().unwrap();
    assert!(command.contains(&format!("/releases/download/v{VERSION}}}/install.sh")), "{command}");
    run_recipe(&home, &site, &[command.to_string()], &[("URL", "https://profiles.netlify.app")]);
    publishes_the_site(&site, build["publish"].as_str().unwrap(), "https://profiles.netlify.app/");
}

#[test]
fn the_gitlab_job_installs_the_pinned_release_and_builds() {
    let home = scratch("recipe-gitlab");
    let site = new_site(&home);
    let recipe = read(&repo_root().join("docs/deploy/gitlab-ci.yml"));
    let job: Vec<&str> = yaml_block(&recipe, "pages");
    let script: Vec<String> = job
        .iter()
        .skip_while(|l| l.trim() != "script:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .map(str::to_string)
        .collect();
    assert_eq!(script.len(), 2, "{script:?}");
    assert!(script[0].contains(&format!("/releases/download/v{VERSION}}}/install.sh")), "{script:?}");
    assert!(job.iter().any(|l| l.trim() == "publish: public"), "{job:?}");
    run_recipe(&home, &site, &script, &[("CI_PAGES_URL", "https://group.gitlab.io/project")]);
    publishes_the_site(&site, "public", "https://group.gitlab.io/project/");
}

#[test]
fn the_cloudflare_settings_install_the_pinned_release_and_build() {
    let home = scratch("recipe-cloudflare");
    let site = new_site(&home);
    let guide = read(&repo_root().join("docs/deploy.md"));
    let section = &guide[guide.find("## Cloudflare Pages").unwrap()..];
    let row = section.lines().find(|l| l.starts_with("| Build command |")).unwrap();
    // The command is the row's code span; Markdown tables write its pipe as \|.
    let command = row.split('`').nth(1).unwrap().replace("\\|", "|");
    assert!(command.contains(&format!("/releases/download/v{VERSION}}}/install.sh")), "{command}");
    let output = section.lines().find(|l| l.starts_with("| Build output directory |")).unwrap();
    assert!(output.contains("`public`"), "{output}");
    run_recipe(&home, &site, &[command], &[("CF_PAGES_URL", "https://profiles.pages.dev")]);
    publishes_the_site(&site, "public", "https://profiles.pages.dev/");
}

#[test]
fn the_installers_pin_this_version() {
    assert!(read(&repo_root().join("install.sh")).contains(&format!("\nDEFAULT_VERSION={VERSION}\n")));
    assert!(read(&repo_root().join("install.ps1")).contains(&format!("\n$DefaultVersion = '{VERSION}'\n")));
}

/// A linter CI installs (.ci/run): on the PATH, or where .ci/run puts it.
fn linter(name: &str) -> PathBuf {
    let found = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return PathBuf::from(name);
    }
    let in_venv = repo_root().join("target/ci-venv/bin").join(name);
    assert!(
        in_venv.is_file(),
        "this test needs {name}: bash .ci/run installs it (actionlint from PyPI into target/ci-venv, shellcheck from Debian's packages)"
    );
    in_venv
}

#[test]
fn the_workflows_pass_actionlint_and_the_scripts_pass_shellcheck() {
    let home = scratch("release-lint");
    let site = new_site(&home);
    let workflows = [
        repo_root().join(".github/workflows/release.yml"),
        repo_root().join("docs/deploy/github-pages.yml"),
        repo_root().join("docs/deploy/for-salud-repo/github-pages.yml"),
        site.join(".github/workflows/publish.yml"),
    ];
    // actionlint checks each run: script with shellcheck when shellcheck is on the PATH.
    let shellcheck = linter("shellcheck");
    let path = format!("{}:{}", shellcheck.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new(linter("actionlint")).env("PATH", path).args(&workflows).output().unwrap();
    succeeded(&out, "actionlint");
    let out = Command::new(&shellcheck)
        .args([repo_root().join("install.sh"), repo_root().join("scripts/release.sh")])
        .output()
        .unwrap();
    succeeded(&out, "shellcheck");
}
