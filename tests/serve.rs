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

/// A file's status and bytes (a PDF is not text).
fn get_bytes(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let status = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
    let body = response.windows(4).position(|w| w == b"\r\n\r\n").map_or(Vec::new(), |at| response[at + 4..].to_vec());
    (status, body)
}

/// Asks for `path` until its bytes satisfy `done`, for at most two minutes (the first PDFs of
/// a cold cache take a while on a slow machine); returns them.
fn wait_for(port: u16, path: &str, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = get_bytes(port, path);
        if status == 200 && done(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "{path}: still {status} after two minutes");
        std::thread::sleep(Duration::from_millis(100));
    }
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

/// Opens `count` reload streams without waiting for their answers, as that many open tabs do.
fn open_streams(port: u16, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(stream, "GET /__salud/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            stream
        })
        .collect()
}

/// A GET of `/` that gives up after `patience`; returns its status and how long it took.
fn timed_get(port: u16, patience: Duration) -> Result<(u16, Duration), String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(patience)).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|e| format!("no answer within {patience:?}: {e}"))?;
    let status =
        String::from_utf8_lossy(response.get(9..12).ok_or("an empty answer")?).parse().map_err(|_| "no status")?;
    Ok((status, started.elapsed()))
}

/// Slowloris: half the sockets send nothing, half send a request line one byte every 100 ms
/// (for at most `drip` in all). Dropping the result closes them all.
struct SlowSockets {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    dripper: Option<std::thread::JoinHandle<()>>,
    _silent: Vec<TcpStream>,
}

impl SlowSockets {
    fn open(port: u16, count: usize, drip: Duration) -> SlowSockets {
        let connect = || TcpStream::connect(("127.0.0.1", port)).unwrap();
        let silent: Vec<TcpStream> = (0..count / 2).map(|_| connect()).collect();
        let mut dripping: Vec<TcpStream> = (count / 2..count).map(|_| connect()).collect();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let dripper = std::thread::spawn(move || {
            let started = Instant::now();
            let line = b"GET /slow-request-line-that-never-ends";
            for byte in line.iter().cycle() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) || started.elapsed() > drip {
                    break;
                }
                for socket in &mut dripping {
                    // The server may close a slow socket: that is its right.
                    let _ = socket.write_all(&[*byte]);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        SlowSockets { stop, dripper: Some(dripper), _silent: silent }
    }
}

impl Drop for SlowSockets {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(dripper) = self.dripper.take() {
            let _ = dripper.join();
        }
    }
}

/// Reads each stream's first event; returns how many of them answered within `patience`.
fn connected(streams: Vec<TcpStream>, patience: Duration) -> usize {
    let deadline = Instant::now() + patience;
    let mut answered = 0;
    for stream in streams {
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(10));
        stream.set_read_timeout(Some(left)).unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.trim() == ": connected" {
                answered += 1;
                break;
            }
            line.clear();
        }
    }
    answered
}

#[test]
fn a_page_answers_while_64_tabs_listen_for_reloads_and_50_sockets_stall() {
    let site = site_with("serve-busy", None);
    let server = start(&site);
    let port = server.port;
    let streams = open_streams(port, 64);
    let slow = SlowSockets::open(port, 50, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(300));

    let answer = timed_get(port, Duration::from_secs(5));
    eprintln!("GET / with 64 reload streams and 50 slow sockets open: {answer:?}");
    let (status, took) = answer.expect("GET / answers while reload streams and slow sockets are open");
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(2), "GET / took {took:?}");
    assert_eq!(connected(streams, Duration::from_secs(5)), 64, "every reload stream is answered");
    drop(slow);
}

#[test]
fn pages_answer_again_once_the_reload_streams_and_slow_sockets_close() {
    let site = site_with("serve-recovers", None);
    let server = start(&site);
    let port = server.port;
    let streams = open_streams(port, 64);
    let slow = SlowSockets::open(port, 50, Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(300));
    drop(streams);
    drop(slow);

    for _ in 0..20 {
        let (status, took) = timed_get(port, Duration::from_secs(5)).expect("GET / answers after the streams close");
        assert_eq!(status, 200);
        assert!(took < Duration::from_secs(2), "GET / took {took:?}");
    }
    // And new tabs can listen again.
    assert_eq!(connected(open_streams(port, 64), Duration::from_secs(5)), 64);
}

/// Runs `salud serve` with `args`, expecting it to stop by itself within 30 s; its stderr.
fn serve_failing(site: &std::path::Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_salud"))
        .args(["serve", "--root", &site.to_string_lossy()])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("salud serve {args:?} kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!child.wait().unwrap().success());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    stderr
}

#[test]
fn a_port_in_use_says_another_program_uses_it() {
    let site = site_with("serve-port-in-use", None);
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let message = serve_failing(&site, &["--port", &port]);
    assert!(message.contains(&format!("port {port}")), "{message}");
    assert!(message.contains("another program"), "{message}");
    assert!(message.contains("--port"), "{message}");
    assert!(!message.contains("output folder"), "{message}");
}

#[test]
fn an_interface_that_is_not_this_computers_says_so() {
    let site = site_with("serve-bad-interface", None);
    // 192.0.2.1 is reserved for documentation: no computer has it. Binding fails locally, no
    // packet is sent.
    let message = serve_failing(&site, &["--interface", "192.0.2.1", "--port", "0"]);
    assert!(message.contains("192.0.2.1"), "{message}");
    assert!(message.contains("not an address of this computer"), "{message}");
    assert!(message.contains("--interface 127.0.0.1"), "{message}");
    assert!(!message.contains("output folder") && !message.contains("another --port"), "{message}");
}

#[test]
fn a_non_loopback_interface_warns_that_the_network_can_see_the_preview() {
    let site = site_with("serve-open-interface", None);
    let child = Command::new(env!("CARGO_BIN_EXE_salud"))
        .args(["serve", "--root", &site.to_string_lossy(), "--interface", "0.0.0.0", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stopped when the test ends, even by a failed assertion.
    let mut server = Server { child, port: 0 };
    let (sender, said) = std::sync::mpsc::channel();
    for output in [
        Box::new(server.child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(server.child.stderr.take().unwrap()) as Box<dyn Read + Send>,
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !lines.iter().any(|l: &String| l.starts_with("Serving ")) {
        match said.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    // A moment for a warning printed after the Serving line.
    while let Ok(line) = said.recv_timeout(Duration::from_millis(500)) {
        lines.push(line);
    }
    drop(server);
    let all = lines.join("\n");
    assert!(all.contains("Serving "), "{all}");
    assert!(all.contains("anyone on your network can see this preview"), "{all}");
}

#[test]
fn connections_past_the_cap_are_closed_at_once_and_stalled_ones_time_out() {
    let site = site_with("serve-cap", None);
    let server = start(&site);
    let port = server.port;
    // More silent sockets than the server takes at once (256).
    let stalled: Vec<TcpStream> = (0..256).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut extra = TcpStream::connect(("127.0.0.1", port)).unwrap();
    extra.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let _ = write!(extra, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = extra.read_to_end(&mut answer);
    assert!(
        !matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut),
        "a connection past the cap is closed at once, not left waiting: {read:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 503"), "{answer}");

    // The stalled sockets never finish a request: the server closes them by itself, and then
    // pages answer again while they are still open on this side.
    let started = Instant::now();
    loop {
        let answer = timed_get(port, Duration::from_secs(2));
        if matches!(answer, Ok((200, _))) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "GET / still refused after 20 s: {answer:?}");
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!("the stalled sockets were closed by the server after {:?}", started.elapsed());
    drop(stalled);
}

#[test]
fn the_preview_offers_the_pdfs_and_pngs_a_build_makes_taking_unchanged_ones_from_its_cache() {
    let site = site_with("serve-downloads", None);
    let out = salud_in(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cached = (cache_entries(&site, "profiles"), cache_entries(&site, "charts"));
    let server = start(&site);
    let port = server.port;
    let pdf = "testland/salud-profile-testland.pdf";
    let png = "testland/charts/mortality-per-1-000-live-births.png";
    let built = std::fs::read(site.join("public").join(pdf)).unwrap();
    assert_eq!(wait_for(port, &format!("/{pdf}"), |_| true), built);
    assert_eq!(get_bytes(port, &format!("/{png}")).1, std::fs::read(site.join("public").join(png)).unwrap());
    let page = get(port, "/testland/").1;
    assert!(page.contains("salud-profile-testland.pdf"), "the page offers its PDF as the built one does");
    assert_eq!((cache_entries(&site, "profiles"), cache_entries(&site, "charts")), cached, "all from the cache");

    // An edited value: the served PDF follows, and is the one a build makes.
    let data = site.join("data/places/testland.toml");
    std::fs::write(&data, read(&data).replacen("2023 = 17", "2023 = 16", 1)).unwrap();
    let served = wait_for(port, &format!("/{pdf}"), |body| body != built.as_slice());
    let out = salud_in(&site, &["build", "--no-cache", "--output", "fresh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(served, std::fs::read(site.join("fresh").join(pdf)).unwrap());

    // A narrative edited after the whole site came in: its page changes, every other page is
    // still served.
    let narrative = site.join("content/testland/_index.md");
    std::fs::write(&narrative, read(&narrative) + "\nEdited after the PDFs.\n").unwrap();
    wait_for(port, "/testland/", |body| String::from_utf8_lossy(body).contains("Edited after the PDFs."));
    for page in ["/", "/otherland/", "/about/", "/testland/north/"] {
        assert_eq!(get(port, page).0, 200, "{page}");
    }
}
