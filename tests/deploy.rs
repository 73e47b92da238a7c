//! The deploy recipes for salud's own repository, in docs/deploy/for-salud-repo/: each compiles
//! salud and runs `salud build` with the host's address, and publishes `public/`. This test
//! reads every recipe, runs its salud arguments (with the address a host would give) on a
//! fixture site, and checks the folder it publishes holds the site. The recipes for sites made
//! by `salud new`, which install a released salud, are run whole by tests/release.rs.

mod common;

use common::*;

/// The salud arguments of the recipe's build command (what follows `cargo run ... --`),
/// with the host's variable replaced by an address.
fn salud_args(command: &str, variable: &str, address: &str) -> Vec<String> {
    let (_, args) = command
        .split_once("cargo run --release --locked -- ")
        .unwrap_or_else(|| panic!("no build command in {command:?}"));
    // In the Markdown table the command ends at its closing backtick.
    let args = args
        .split('`')
        .next()
        .unwrap_or_default()
        .trim()
        .replace(&format!("${{{{ {variable} }}}}"), address)
        .replace(&format!("${variable}"), address);
    // The shell's quotes around the address are the shell's, not salud's.
    args.split_whitespace().map(|a| a.trim_matches('"').to_string()).collect()
}

fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?}"))
}

fn builds_and_publishes(name: &str, args: &[String], published: &str, address: &str) {
    let site = site_with(name, None);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = salud_in(&site, &args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let public = site.join(published);
    assert!(
        public.join("index.html").is_file() && public.join("testland/index.html").is_file(),
        "{name} publishes {published}/"
    );
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(sitemap.contains(&format!("<loc>{address}testland/</loc>")), "{name}: {sitemap}");
}

#[test]
fn the_github_pages_workflow_builds_what_it_uploads() {
    let recipe = read(&repo_root().join("docs/deploy/for-salud-repo/github-pages.yml"));
    let args =
        salud_args(line_with(&recipe, "cargo run"), "steps.pages.outputs.base_url", "https://user.github.io/repo");
    assert_eq!(args, ["build", "--base-url", "https://user.github.io/repo/"]);
    let uploaded = line_with(&recipe, "path: public").trim();
    assert_eq!(uploaded, "path: public");
    builds_and_publishes("deploy-github", &args, "public", "https://user.github.io/repo/");
}

#[test]
fn the_gitlab_job_builds_what_it_publishes() {
    let recipe = read(&repo_root().join("docs/deploy/for-salud-repo/gitlab-ci.yml"));
    let args = salud_args(line_with(&recipe, "cargo run"), "CI_PAGES_URL", "https://group.gitlab.io/project");
    assert_eq!(line_with(&recipe, "publish:").trim(), "publish: public");
    builds_and_publishes("deploy-gitlab", &args, "public", "https://group.gitlab.io/project/");
}

#[test]
fn the_netlify_file_builds_what_it_publishes() {
    let recipe: toml::Table =
        toml::from_str(&read(&repo_root().join("docs/deploy/for-salud-repo/netlify.toml"))).unwrap();
    let build = recipe["build"].as_table().unwrap();
    let args = salud_args(build["command"].as_str().unwrap(), "URL", "https://profiles.netlify.app");
    builds_and_publishes("deploy-netlify", &args, build["publish"].as_str().unwrap(), "https://profiles.netlify.app/");
}

#[test]
fn the_cloudflare_settings_build_what_they_publish() {
    let guide = read(&repo_root().join("docs/deploy/for-salud-repo/README.md"));
    let section = &guide[guide.find("## Cloudflare Pages").unwrap()..];
    let args = salud_args(line_with(section, "| Build command |"), "CF_PAGES_URL", "https://profiles.pages.dev");
    let output = line_with(section, "| Build output directory |");
    assert!(output.contains("`public`"), "{output}");
    builds_and_publishes("deploy-cloudflare", &args, "public", "https://profiles.pages.dev/");
}
