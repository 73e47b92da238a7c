//! `salud serve` for real: a server on a free port, pages fetched over HTTP, edits seen by
//! the reload event, a broken file shown as an overlay while the server stays up.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &std::path::Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_salud"))
        .args(["serve", "--root", &site.to_string_lossy(), "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.by_ref().map_while(Result::ok).find(|l| l.starts_with("Serving "));
    assert!(ready.is_some_and(|l| l.contains(&format!("http://127.0.0.1:{port}/"))));
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, port }
}

/// A raw request, so a path like `/../x` reaches the server unchanged.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    (status, response)
}

/// Waits for the next `reload` event; returns how long it took.
fn next_reload(events: &mut BufReader<TcpStream>) -> Duration {
    let started = Instant::now();
    let mut line = String::new();
    loop {
        line.clear();
        events.read_line(&mut line).expect("the reload event arrives within the read timeout");
        if line.trim() == "data: reload" {
            return started.elapsed();
        }
    }
}

fn subscribe(port: u16) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    write!(stream, "GET /__salud/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while line.trim() != ": connected" {
        line.clear();
        reader.read_line(&mut line).unwrap();
    }
    reader
}

#[test]
fn serves_reloads_after_an_edit_and_survives_a_broken_one() {
    let site = site_with("serve", None);
    let server = start(&site);
    let port = server.port;

    let (status, home) = get(port, "/");
    assert_eq!(status, 200);
    assert!(home.contains("Test profiles") && home.contains("new EventSource(\"/__salud/events\")"));
    assert!(!std::fs::read_dir(&site).unwrap().any(|e| e.unwrap().file_name() == "public"), "serve writes nothing");

    let mut events = subscribe(port);
    let narrative = site.join("content/testland/_index.md");
    std::fs::write(&narrative, read(&narrative) + "\nEdited while serving.\n").unwrap();
    let waited = next_reload(&mut events);
    eprintln!("save to reload event: {waited:?}");
    assert!(get(port, "/testland/").1.contains("Edited while serving."));

    let data = site.join("data/places/testland.toml");
    let good = read(&data);
    std::fs::write(&data, good.clone() + "\n[[series]\n").unwrap();
    next_reload(&mut events);
    let (status, page) = get(port, "/testland/");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(page.contains("The site does not build") && page.contains("data/places/testland.toml:"), "{page}");

    std::fs::write(&data, good).unwrap();
    next_reload(&mut events);
    assert!(!get(port, "/testland/").1.contains("The site does not build"));

    let (status, body) = get(port, "/../Cargo.toml");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's own 404 page");
    assert_eq!(get(port, "/%2e%2e/%2e%2e/etc/passwd").0, 404);
    assert_eq!(get(port, "/testland/charts/mortality-per-1-000-live-births.svg").0, 200);
}

#[test]
fn a_new_translation_appears_in_its_language_only() {
    let site = site_with("serve-languages", None);
    let config = site.join("config.toml");
    std::fs::write(&config, read(&config) + "\n[languages.es]\n").unwrap();
    let server = start(&site);
    let port = server.port;
    let (status, before) = get(port, "/es/testland/");
    assert_eq!(status, 200);
    assert!(before.contains("class=\"untranslated\""), "{before}");

    let mut events = subscribe(port);
    std::fs::write(site.join("content/testland/_index.es.md"), "Traducido mientras se sirve.\n").unwrap();
    next_reload(&mut events);
    let after = get(port, "/es/testland/").1;
    assert!(after.contains("Traducido mientras se sirve.") && !after.contains("class=\"untranslated\""), "{after}");
    assert!(!get(port, "/testland/").1.contains("Traducido"), "the English page keeps its text");
}
