//! `salud serve`: the site built in memory and served over HTTP on loopback, rebuilt when a
//! file changes, with open pages told to reload (server-sent events). A broken edit shows its
//! error in the terminal and over the page; the server keeps running.
//!
//! Each rebuild first makes the pages and SVG charts alone, which is quick; then, on another
//! thread, the whole site as `salud build` makes it, PDF profiles and PNGs included, through
//! the same cache (`.salud-cache/`): what a build or an earlier rebuild made is taken from
//! it, and only what an edit changed is drawn or typeset again. Those pages then replace the
//! quick ones, without a reload, so the preview shows the built site's download links.
//!
//! HTTP is hyper's on one tokio thread: connections wait without holding a thread, so open
//! reload streams and slow or silent clients cannot starve the others, and hyper enforces the
//! header timeout, the header size limit and keep-alive.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use crate::error::Error;
use crate::output::Output;
use crate::render::{Drawn, Renderer};
use crate::site::{page_path, Site};

/// Where the page listens for reload events; no site file can have this path.
const EVENTS: &str = "/__salud/events";
/// At most this many connections are open at once (tabs, their reload streams, and clients
/// that stall); one more is answered 503 and closed at once rather than queued.
const MAX_CONNECTIONS: usize = 256;
/// A client that has not sent a whole request head by then, on a new connection or an idle
/// kept-alive one, is disconnected: a stalled client frees its place.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A request head larger than this is refused (431). Browsers send a few KB.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// A reload stream with nothing to say still writes this often, so a closed tab is noticed.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Without file-system events (a watcher that could not start), the site's files are
/// compared with their last snapshot this often.
const POLL: Duration = Duration::from_millis(100);
/// With events, a snapshot is still compared this often, in case an event was missed (some
/// network and container file systems send none).
const SAFETY_POLL: Duration = Duration::from_secs(2);
/// An editor's save can be several events (a temporary file, a rename): the rebuild waits
/// until none has come for this long.
const SETTLE: Duration = Duration::from_millis(10);

pub struct ServeOptions {
    pub root: PathBuf,
    pub interface: String,
    pub port: u16,
}

/// The site as served, or the error of the last build. Pages and drawn files (charts,
/// downloads) are kept apart so that a narrative edit replaces pages without copying the charts.
#[derive(Default)]
struct State {
    pages: Output,
    drawn: Arc<Output>,
    error: Option<String>,
}

impl State {
    fn get(&self, rel: &str) -> Option<&Vec<u8>> {
        self.pages.files.get(rel).or_else(|| self.drawn.files.get(rel))
    }
}

/// What the server shares with the rebuilding thread: the site, and a generation number that
/// changes after each rebuild (reload streams wait on it).
struct Served {
    state: Mutex<State>,
    generation: tokio::sync::watch::Sender<u64>,
}

type Shared = Arc<Served>;

/// Runs until the process is stopped (Ctrl-C). Prints one line per rebuild.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
    let listener = listen(&options.interface, options.port)?;
    let address = listener.local_addr().map_err(|e| Error::io(&options.root, e))?;
    let shared: Shared =
        Arc::new(Served { state: Mutex::new(State::default()), generation: tokio::sync::watch::Sender::new(0) });
    if !address.ip().is_loopback() {
        eprintln!(
            "Warning: --interface {} is open to other computers: anyone on your network can see this preview \
             (at this computer's network address, port {}). To keep it to this computer, use --interface 127.0.0.1 \
             (the default).",
            options.interface,
            address.port()
        );
    }
    let downloads = Downloads::start(&options.root, &shared);
    let mut builder = Builder { root: options.root.clone(), last: None, downloads, downloads_wanted: false };
    // Watching starts before the first build, so an edit made during it is not missed.
    let watching = Watching::start(&options.root);
    builder.rebuild(&shared, &[]);
    println!("Serving {} at http://{address}/ (Ctrl-C to stop)", options.root.display());

    let watched = shared.clone();
    std::thread::spawn(move || builder.watch(watching, &watched));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Listen { address: address.to_string(), source })?;
    runtime.block_on(accept(listener, shared)).map_err(|source| Error::Listen { address: address.to_string(), source })
}

/// The listening socket, or an error that says what to change: the port (taken by another
/// program) or the interface (not an address of this computer).
fn listen(interface: &str, port: u16) -> Result<std::net::TcpListener, Error> {
    // Only IP addresses (and "localhost"): a name would be looked up on the network.
    let ip: IpAddr = if interface.eq_ignore_ascii_case("localhost") {
        Ipv4Addr::LOCALHOST.into()
    } else {
        interface.trim_start_matches('[').trim_end_matches(']').parse().map_err(|_| Error::Interface {
            interface: interface.to_string(),
            reason: "an address is written like 127.0.0.1 or ::1".to_string(),
        })?
    };
    let address = SocketAddr::new(ip, port);
    let listener = std::net::TcpListener::bind(address).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => Error::PortInUse { port },
        std::io::ErrorKind::AddrNotAvailable => {
            Error::Interface { interface: interface.to_string(), reason: source.to_string() }
        }
        _ => Error::Listen { address: address.to_string(), source },
    })?;
    listener.set_nonblocking(true).map_err(|source| Error::Listen { address: address.to_string(), source })?;
    Ok(listener)
}

/// Takes connections until the process stops; each is served by its own task, so a connection
/// that waits (a reload stream, a slow client) costs a socket and a little memory, not a thread.
async fn accept(listener: std::net::TcpListener, shared: Shared) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let places = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).max_buf_size(MAX_HEADER_BYTES);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection gone before it was taken: a pause
            // rather than a busy loop.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(place) = places.clone().try_acquire_owned() else {
            refuse(&stream);
            continue;
        };
        let shared = shared.clone();
        let service = hyper::service::service_fn(move |request| {
            let answer = answer(&request, &shared);
            async move { Ok::<_, Infallible>(answer) }
        });
        let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            // A client that goes away or stalls ends its connection; nothing to report.
            let _ = connection.await;
            drop(place);
        });
    }
}

/// One connection too many: told so if its socket takes the answer at once, then closed.
fn refuse(stream: &tokio::net::TcpStream) {
    let body = "Too many connections to salud serve; close some tabs and reload.\n";
    let _ = stream.try_write(
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
}

/// Rebuilds, keeping what the last good build drew so a narrative edit only re-renders the
/// pages that show it.
struct Builder {
    root: PathBuf,
    last: Option<Prepared>,
    downloads: Downloads,
    /// Whether the site makes PDFs, PNGs or link previews, which the quick rebuild skips.
    downloads_wanted: bool,
}

/// The thread that builds the site whole after each quick rebuild (see the module's notes):
/// told the generation of each rebuild, it builds for the latest, and its result replaces the
/// served site only while no newer rebuild has come.
struct Downloads {
    wake: mpsc::Sender<u64>,
}

impl Downloads {
    fn start(root: &Path, shared: &Shared) -> Downloads {
        let (wake, woken) = mpsc::channel::<u64>();
        let (root, shared) = (root.to_path_buf(), shared.clone());
        std::thread::spawn(move || {
            while let Ok(mut generation) = woken.recv() {
                // Only the latest rebuild matters.
                while let Ok(later) = woken.try_recv() {
                    generation = later;
                }
                let started = Instant::now();
                let (files, counts) = match whole(&root) {
                    Ok(made) => made,
                    // What only the whole build makes (a PDF profile's template) can fail alone.
                    Err(err) => {
                        eprintln!(
                            "{}\n\nThe pages are served without their PDF profiles and PNGs until this is fixed.",
                            crate::diagnostic::printable(&err.to_string())
                        );
                        continue;
                    }
                };
                let mut state = shared.state.lock().expect("state lock");
                if *shared.generation.borrow() == generation && state.error.is_none() {
                    // Over the quick pages: a later narrative edit puts its pages over these, and
                    // every other page stays served.
                    state.pages = files;
                    println!(
                        "PDF profiles and PNGs ready in {} ms ({} PDFs; unchanged ones from the cache)",
                        started.elapsed().as_millis(),
                        counts.pdfs
                    );
                }
            }
        });
        Downloads { wake }
    }
}

/// The site as `salud build` makes it, in memory, with the build cache.
fn whole(root: &Path) -> Result<(Output, crate::render::Counts), Error> {
    let (site, _) = Site::load(root).map_err(Error::Site)?;
    let mut files = Output::default();
    let options = crate::build::BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        progress: false,
        cache: true,
    };
    let counts = crate::build::render_into(&site, &options, &mut files)?;
    Ok((files, counts))
}

struct Prepared {
    site: Site,
    renderer: Renderer,
    drawn: Drawn,
    files: Arc<Output>,
}

/// What a rebuild made: every page, or only those that changed (the served state keeps the
/// rest: copying a large site's pages at each edit cost more than rendering the one changed).
enum Rebuilt {
    All(Output),
    Changed(Output),
}

impl Builder {
    /// Rebuilds whenever [`Watching`] finds files changed.
    fn watch(&mut self, mut watching: Watching, shared: &Shared) {
        loop {
            let changed = watching.next_change();
            self.rebuild(shared, &changed);
        }
    }

    fn rebuild(&mut self, shared: &Shared, changed: &[PathBuf]) {
        let started = Instant::now();
        let only_text = !changed.is_empty()
            && changed
                .iter()
                .all(|p| p.starts_with(self.root.join("content")) && p.extension().is_some_and(|e| e == "md"));
        let result = if only_text && self.last.is_some() { self.pages_only() } else { self.build() };
        let mut state = shared.state.lock().expect("state lock");
        match result {
            Ok(rebuilt) => {
                let last = self.last.as_ref().expect("a good build is kept");
                match rebuilt {
                    Rebuilt::All(pages) => state.pages = pages,
                    Rebuilt::Changed(pages) => state.pages.files.extend(pages.files),
                }
                state.drawn = last.files.clone();
                state.error = None;
                println!(
                    "Rebuilt in {} ms{}",
                    started.elapsed().as_millis(),
                    if only_text { " (pages only)" } else { "" }
                );
            }
            Err(err) => {
                eprintln!(
                    "{}\n\nThe server keeps running; the pages show this error until you fix it.",
                    crate::diagnostic::printable(&err.to_string())
                );
                state.error = Some(err.to_string());
            }
        }
        let built = state.error.is_none();
        // Under the lock, so that the whole-site build of an earlier generation can never
        // replace what this one just put in.
        shared.generation.send_modify(|generation| *generation += 1);
        drop(state);
        if built && self.downloads_wanted {
            let _ = self.downloads.wake.send(*shared.generation.borrow());
        }
    }

    /// Everything, as `salud build` does, but in memory and without PDFs and PNGs, which
    /// [`Downloads`] then makes.
    fn build(&mut self) -> Result<Rebuilt, Error> {
        let (mut site, _) = Site::load(&self.root).map_err(Error::Site)?;
        self.downloads_wanted = site.config.pdf || site.config.chart_png || site.config.social_images;
        site.config.pdf = false;
        site.config.chart_png = false;
        site.config.social_images = false;
        let theme = site.theme.clone();
        let renderer = Renderer::new(&theme, None)?;
        let mut files = Output::default();
        for (path, bytes) in &theme.statics {
            files.add(path.clone(), bytes.clone());
        }
        let drawn = renderer.draw(&site, &mut files)?;
        let mut pages = Output::default();
        renderer.pages(&site, &drawn, &|_| true, &mut pages)?;
        crate::build::add_site_files(&site, &mut pages)?;
        self.last = Some(Prepared { site, renderer, drawn, files: Arc::new(files) });
        Ok(Rebuilt::All(pages))
    }

    /// Only narratives changed: reads the content again and re-renders the pages whose text
    /// changed. A page added or removed changes every page's navigation, so then all pages.
    fn pages_only(&mut self) -> Result<Rebuilt, Error> {
        let last = self.last.as_mut().expect("checked by the caller");
        let mut diags = crate::diagnostic::Diagnostics::default();
        let content = crate::content::load_again(
            &self.root,
            &last.site.data,
            last.site.config.allow_html,
            &last.site.config.languages.keys().cloned().collect::<Vec<_>>(),
            Some(&last.site.content),
            &mut diags,
        );
        // A new page may take an address a full build would refuse.
        crate::site::check_addresses(&last.site.config, &last.site.data, &content, &mut diags);
        if diags.has_errors() {
            return Err(Error::Site(diags));
        }
        let old = std::mem::replace(&mut last.site.content, content);
        let new = &last.site.content;
        let same_pages = old.pages.iter().map(|p| &p.slug).eq(new.pages.iter().map(|p| &p.slug));
        let mut wanted: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        // Each language's pages show its translation or the main text: compare what each shows.
        for locale in last.renderer.locales(&last.site)? {
            let (old, new, prefix) = (old.localized(&locale.code), new.localized(&locale.code), &locale.prefix);
            if old.home != new.home {
                wanted.insert(page_path(prefix, ""));
            }
            for slug in old.narratives.keys().chain(new.narratives.keys()) {
                if old.narratives.get(slug) != new.narratives.get(slug) {
                    wanted.insert(page_path(prefix, slug));
                }
            }
            for page in &new.pages {
                if old.pages.iter().find(|p| p.slug == page.slug) != Some(page) {
                    wanted.insert(page_path(prefix, &page.slug));
                }
            }
        }
        let all = !same_pages;
        let mut pages = Output::default();
        last.renderer.pages(&last.site, &last.drawn, &|path| all || wanted.contains(path), &mut pages)?;
        crate::build::add_site_files(&last.site, &mut pages)?;
        Ok(if all { Rebuilt::All(pages) } else { Rebuilt::Changed(pages) })
    }
}

/// What the site's sources looked like at the last look, and how to know when to look again:
/// the operating system's file events (inotify, FSEvents, ...) for the paths they name, whose
/// modification times and sizes are compared with the last look, so an event for a file that
/// did not change costs nothing. Every [`SAFETY_POLL`] (or [`POLL`] without events) the whole
/// site is compared.
struct Watching {
    seen: Snapshot,
    sources: Vec<PathBuf>,
    woken: mpsc::Receiver<Vec<PathBuf>>,
    /// Kept for as long as the watching goes on: dropping it stops the events.
    watcher: Option<notify::RecommendedWatcher>,
}

impl Watching {
    fn start(root: &Path) -> Watching {
        let sources: Vec<PathBuf> = crate::output::SOURCES.iter().map(|s| root.join(s)).collect();
        let (wake, woken) = mpsc::channel();
        let watcher = start_watcher(root, &sources, wake);
        if watcher.is_none() {
            println!("Watching by polling every {} ms (file events are not available here)", POLL.as_millis());
        }
        let mut seen = Snapshot::default();
        seen.refresh(&sources);
        Watching { seen, sources, woken, watcher }
    }

    /// Waits until files have changed; returns them.
    fn next_change(&mut self) -> Vec<PathBuf> {
        let wait = if self.watcher.is_some() { SAFETY_POLL } else { POLL };
        loop {
            let changed = match self.woken.recv_timeout(wait) {
                Ok(mut paths) => {
                    while let Ok(more) = self.woken.recv_timeout(SETTLE) {
                        paths.extend(more);
                    }
                    paths.sort();
                    paths.dedup();
                    self.seen.refresh(&paths)
                }
                Err(_) => self.seen.refresh(&self.sources),
            };
            if !changed.is_empty() {
                return changed;
            }
        }
    }
}

/// A watcher that sends on `wake` the paths in the site's sources that are created, written,
/// renamed or removed (reads are ignored: a build reads every file). None when the platform
/// offers no file events or they cannot be set up (too many folders for inotify).
fn start_watcher(
    root: &Path,
    sources: &[PathBuf],
    wake: mpsc::Sender<Vec<PathBuf>>,
) -> Option<notify::RecommendedWatcher> {
    use notify::Watcher;
    let relevant = sources.to_vec();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let paths: Vec<PathBuf> =
            event.paths.into_iter().filter(|p| relevant.iter().any(|s| p.starts_with(s))).collect();
        if !event.kind.is_access() && !paths.is_empty() {
            let _ = wake.send(paths);
        }
    })
    .ok()?;
    // The site's folder itself, not its subfolders: config.toml, and folders created later.
    watcher.watch(root, notify::RecursiveMode::NonRecursive).ok()?;
    for dir in sources.iter().filter(|d| d.is_dir()) {
        watcher.watch(dir, notify::RecursiveMode::Recursive).ok()?;
    }
    Some(watcher)
}

/// Modification time and size of every file salud reads, as last seen.
#[derive(Default)]
struct Snapshot(BTreeMap<PathBuf, (SystemTime, u64)>);

impl Snapshot {
    /// Looks again at `paths` (files or folders, present or gone) and everything below them;
    /// returns the files that were added, changed or removed.
    fn refresh(&mut self, paths: &[PathBuf]) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths {
            let mut now = BTreeMap::new();
            for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
                if let Ok(meta) = entry.metadata() {
                    if meta.is_file() {
                        now.insert(
                            entry.path().to_path_buf(),
                            (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()),
                        );
                    }
                }
            }
            // A path's descendants sort right after it.
            let before: Vec<PathBuf> =
                self.0.range(path.clone()..).take_while(|(p, _)| p.starts_with(path)).map(|(p, _)| p.clone()).collect();
            for gone in before.into_iter().filter(|p| !now.contains_key(p)) {
                self.0.remove(&gone);
                changed.push(gone);
            }
            for (file, stamp) in now {
                if self.0.get(&file) != Some(&stamp) {
                    changed.push(file.clone());
                    self.0.insert(file, stamp);
                }
            }
        }
        changed
    }
}

/// The answer to one request: a file of the site, the reload stream, or 404 / 405.
fn answer<B>(request: &Request<B>, shared: &Shared) -> Response<Reply> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "text/plain", b"Only GET and HEAD.\n".to_vec());
    }
    let path = request.uri().path();
    if path == EVENTS {
        return events(shared);
    }
    let state = shared.state.lock().expect("state lock");
    let found = file_for(path).and_then(|rel| state.get(&rel).map(|bytes| (rel, bytes.clone())));
    let error = state.error.clone();
    let not_found = state.get("404.html").cloned();
    drop(state);
    // hyper sends no body in answer to HEAD, but keeps the Content-Length of GET's.
    match found {
        Some((rel, bytes)) => {
            let kind = content_type(&rel);
            let body = if kind.starts_with("text/html") { inject(&bytes, error.as_deref()) } else { bytes };
            reply(StatusCode::OK, kind, body)
        }
        None => {
            let body = inject(&not_found.unwrap_or_else(|| b"<p>Not found</p>".to_vec()), error.as_deref());
            reply(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
        }
    }
}

fn reply(status: StatusCode, kind: &str, body: Vec<u8>) -> Response<Reply> {
    let mut response = Response::new(Reply::Whole(Some(Bytes::from(body))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, kind.parse().expect("a valid content type"));
    headers.insert(CACHE_CONTROL, "no-store".parse().expect("a valid header"));
    response
}

/// The output file a URL path names, or `None` for paths that try to leave the site.
fn file_for(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => parts.push(p),
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') || rel.is_empty() {
        rel = if rel.is_empty() { "index.html".into() } else { format!("{rel}/index.html") };
    }
    Some(rel)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script, and the error of a failed build as an overlay, to a page. Only
/// `serve` does this; built sites carry no script.
fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let mut extra = String::from(
        "<script>new EventSource(\"/__salud/events\").onmessage = function () { location.reload(); };</script>",
    );
    if let Some(error) = error {
        let escaped = crate::escape::escape(error);
        extra.push_str(&format!(
            "<div id=\"salud-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:9999;overflow:auto;background:rgba(29,35,39,.95);color:#fff;padding:2rem;font:14px/1.5 monospace\"><h2 style=\"color:#ffb4a8\">The site does not build</h2><pre style=\"white-space:pre-wrap\">{escaped}</pre><p>Fix the file and save it: this page reloads by itself.</p></div>"
        ));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// The reload stream: `reload` after each rebuild, a comment every [`HEARTBEAT`] otherwise.
/// A small task per stream writes them; it ends when the tab closes (the body is dropped).
fn events(shared: &Shared) -> Response<Reply> {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let _ = sender.try_send(Bytes::from_static(b": connected\n\n"));
    let mut generations = shared.generation.subscribe();
    tokio::spawn(async move {
        loop {
            let message: &'static [u8] = match tokio::time::timeout(HEARTBEAT, generations.changed()).await {
                Ok(Ok(())) => b"data: reload\n\n",
                Ok(Err(_)) => return,
                Err(_) => b": still here\n\n",
            };
            if sender.send(Bytes::from_static(message)).await.is_err() {
                return;
            }
        }
    });
    let mut response = Response::new(Reply::Events(receiver));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, "text/event-stream".parse().expect("a valid content type"));
    headers.insert(CACHE_CONTROL, "no-cache".parse().expect("a valid header"));
    response
}

/// A response body: a whole file, or the reload stream's messages as they come.
enum Reply {
    Whole(Option<Bytes>),
    Events(tokio::sync::mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Reply {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Reply::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Reply::Events(messages) => messages.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Reply::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Reply::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Reply::Events(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_at_the_paths_an_event_names_finds_what_changed_below_them() {
        let root = std::env::temp_dir().join(format!("salud-snapshot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let peru = root.join("content/peru");
        std::fs::create_dir_all(&peru).unwrap();
        std::fs::write(peru.join("_index.md"), "a").unwrap();
        std::fs::write(root.join("content/about.md"), "a").unwrap();
        let mut seen = Snapshot::default();
        assert_eq!(seen.refresh(&[root.join("content")]).len(), 2, "the first look sees every file");
        assert!(seen.refresh(&[root.join("content")]).is_empty(), "nothing changed");

        std::fs::write(peru.join("_index.md"), "ab").unwrap();
        std::fs::write(peru.join("ayacucho.md"), "a").unwrap();
        let mut changed = seen.refresh(&[peru.join("_index.md"), peru.clone()]);
        changed.sort();
        assert_eq!(changed, [peru.join("_index.md"), peru.join("ayacucho.md")]);

        // A folder removed: every file below it is gone; a file beside it is not.
        std::fs::remove_dir_all(&peru).unwrap();
        let mut changed = seen.refresh(std::slice::from_ref(&peru));
        changed.sort();
        assert_eq!(changed, [peru.join("_index.md"), peru.join("ayacucho.md")]);
        assert!(seen.refresh(&[root.join("content")]).is_empty(), "about.md is still there, unchanged");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(file_for("/").as_deref(), Some("index.html"));
        assert_eq!(file_for("/peru/").as_deref(), Some("peru/index.html"));
        assert_eq!(file_for("/peru/charts/peers.svg").as_deref(), Some("peru/charts/peers.svg"));
        assert_eq!(file_for("/peru/hu%C3%A1nuco/").as_deref(), Some("peru/huánuco/index.html"));
        assert_eq!(file_for("/../Cargo.toml"), None);
        assert_eq!(file_for("/%2e%2e/Cargo.toml"), None);
        assert_eq!(file_for("/a/../../b"), None);
        assert_eq!(file_for("/%zz"), None);
    }

    #[test]
    fn the_reload_script_and_the_error_go_before_the_end_of_the_body() {
        let page = inject(b"<html><body><p>x</p></body></html>", Some("error: <bad>"));
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("new EventSource(\"/__salud/events\")"));
        assert!(page.contains("error: &lt;bad&gt;"));
        assert!(page.ends_with("</body></html>"));
    }
}
