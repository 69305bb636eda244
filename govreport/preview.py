"""`govreport preview`: one report served on this machine, rebuilt and reloaded in the browser on every save.

Three parts, each in the standard library or a well-kept library:
- an HTTP server (http.server's ThreadingHTTPServer: one page and one event stream at a time need no ASGI
  stack) that serves the report with a small bar above it (year and agency, status, the previous good report)
  and a server-sent-events endpoint telling the page to reload; the bar and its script are added to the page
  as it is sent, never written into the report files;
- a watcher (watchfiles) on what the report reads: its agency's data and narrative this year and last, the
  notebooks, params/ and govreport's own code and templates;
- the warm worker (preview_worker.py), a process that keeps a warm fork server and makes the report as a build
  does; a change to govreport's own code starts a fresh one.
The main thread asks the worker for a rebuild after each burst of changes (watchfiles groups a burst) and when
the page asks for another report. A bad edit is shown in the page; Ctrl-C or SIGTERM stops the server, the
worker, its fork server and kernels, and exits with status 0.
"""
from __future__ import annotations

import http.server
import ipaddress
import json
import multiprocessing.connection
import queue
import re
import sys
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import watchfiles
from markupsafe import Markup

from . import build, config, outputs, pages
from .dataset import REGION_FILE, REGION_NARRATIVE
from .preview_worker import Request, Result, refresh, settings_for
from .provenance import DATA_FILES, PACKAGE
from .terminal import safe

STEP_MS = 50  # watchfiles yields a burst of changes once nothing changed for this long
PING = 10  # seconds between keep-alive comments on an event stream (a closed page is noticed then)
RETRY_MS = 500  # how soon a page reconnects its event stream (e.g. to a restarted server)
_PATH = re.compile(r"/(\d{4})/([A-Za-z0-9_][A-Za-z0-9_-]*)/(|last-good|events)")
_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)

Target = tuple[int, str]  # (year, agency id or outputs.REGION_DIR)


# ---------------------------------------------------------------- what is watched
def watched(data_dir: Path, year: int, agency: str, notebook: Path) -> tuple[set[Path], tuple[Path, ...]]:
    """What the report of `agency` (outputs.REGION_DIR: the region's) reads, whether or not it exists yet:
    the year's and last year's data files (a region also its region.csv), and the folders of its narrative,
    its notebook, the project's params/ and govreport's own code and templates. (files, folders)."""
    years = [Path(data_dir) / str(y) for y in (year - 1, year)]
    names = (*DATA_FILES, REGION_FILE) if agency == outputs.REGION_DIR else DATA_FILES
    narrative = REGION_NARRATIVE if agency == outputs.REGION_DIR else f"narrative/{agency}"
    params = config.project_root(Path(notebook).parent) / "params"
    return ({y / name for y in years for name in names},
            (*(y / narrative for y in years), Path(notebook).parent, params, PACKAGE))


def roots(data_dir: Path, notebook: Path) -> list[Path]:
    """The directories the watcher watches (recursively): the data, the notebooks, params/ and govreport."""
    params = config.project_root(Path(notebook).parent) / "params"
    return [p for p in dict.fromkeys((Path(data_dir), Path(notebook).parent, params, PACKAGE)) if p.is_dir()]


def is_code(path: str | Path) -> bool:
    """A change to govreport itself (code or templates): the warm worker must restart to see it."""
    return Path(path).is_relative_to(PACKAGE)


# ---------------------------------------------------------------- state shared by the threads
class State:
    """What the pages show: the report wanted, each report's last result and version (bumped whenever what
    its page shows changes), and a status line. Guarded by `changed`, which also wakes the event streams."""

    def __init__(self, settings, target: Target):
        self.data_dir, self.notebook = settings.data_dir, settings.notebook
        self.output_dir = settings.output_dir
        self.target = target
        self.changed = threading.Condition()
        self.results: dict[Target, Result] = {}
        self.versions: dict[Target, int] = {}
        self.names: dict[int, dict[str, str]] = {}
        self.status = "starting…"
        self.closed = False
        self.wanted: queue.Queue = queue.Queue()  # the main loop's inbox: file changes and page requests
        self.files, self.folders = watched(self.data_dir, *target, self.notebook)
        self._default_filter = watchfiles.DefaultFilter()

    def want(self, target: Target) -> None:
        """A page asks for `target`: make it the report watched and rebuilt."""
        with self.changed:
            if target == self.target:
                return
            self.target = target
            self.files, self.folders = watched(self.data_dir, *target, self.notebook)
        self.wanted.put(set())

    def relevant(self, change, path: str) -> bool:
        """watchfiles' filter: a change to what the wanted report reads (editors' temporary files ignored)."""
        if not self._default_filter(change, path):
            return False
        p = Path(path)
        return p in self.files or any(p.is_relative_to(d) for d in self.folders)

    def say(self, status: str) -> None:
        with self.changed:
            self.status = status
            self.changed.notify_all()

    def done(self, result: Result) -> None:
        """A result arrived: pages of its report reload, unless nothing they show changed."""
        target = (result.year, result.agency)
        with self.changed:
            before = self.results.get(target)
            self.results[target] = result
            if result.names:
                self.names[result.year] = result.names
            if result.output_dir:
                self.output_dir = Path(result.output_dir)
            if before is None or result.status != "skipped" or not before.ok:
                self.versions[target] = self.versions.get(target, 0) + 1
            self.status = status_line(result)
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def report(self, target: Target) -> Path:
        """The report's file in the outputs (a failed rebuild leaves the previous good one there)."""
        return outputs.page(self.output_dir, *target)


def status_line(result: Result) -> str:
    when = time.strftime("%H:%M:%S")
    if result.status == "built":
        return f"built at {when} in {result.seconds:.1f} s"
    if result.status == "skipped":
        return f"up to date at {when}"
    first = result.error.splitlines()[0] if result.error else ""
    return f"{result.status} at {when}: {first[:80]}{'…' if len(first) > 80 else ''}"


# ---------------------------------------------------------------- pages
def bar(state: State, target: Target, version: int, last_good: bool = False) -> str:
    """The bar above the page and its script: not part of any report file."""
    year, agency = target
    with state.changed:
        names = dict(state.names.get(year, {}))
        result, status = state.results.get(target), state.status
    if agency not in names and agency != outputs.REGION_DIR:
        names[agency] = agency
    data_dir = Path(state.data_dir)
    found = data_dir.iterdir() if data_dir.is_dir() else ()
    years = sorted({int(d.name) for d in found if d.name.isdigit() and d.is_dir()} | {year})
    failed = result is not None and not result.ok
    return pages.render("preview_bar.html.j2", year=year, agency=agency, years=years, names=names,
                        region=(data_dir / str(year) / REGION_FILE).is_file(), region_id=outputs.REGION_DIR,
                        status=status, version=version, last_good=last_good, failed=failed,
                        has_report=state.report(target).is_file())


def page(state: State, target: Target, last_good: bool = False) -> str:
    """The page of `target`: its report with the bar; its error if its last rebuild failed (the previous good
    report one click away); `last_good`: the report as it is in the outputs, failed rebuild or not."""
    with state.changed:
        result, version = state.results.get(target), state.versions.get(target, 0)
    report = state.report(target)
    head = bar(state, target, version, last_good)
    if (last_good or result is None or result.ok) and report.is_file():
        html = report.read_text(encoding="utf-8")
        match = _BODY.search(html, max(html.find("</head>"), 0))  # the body tag, not "<body>" in a comment
        at = match.end() if match else 0
        return html[:at] + head + html[at:]
    return pages.render("preview.html.j2", bar=Markup(head), result=result if result and not result.ok else None,
                        title=f"{target[1]} {target[0]}")


# ---------------------------------------------------------------- HTTP
class Handler(http.server.BaseHTTPRequestHandler):
    """GET /<year>/<agency>/ (the page), …/last-good (the previous good report), …/events (reload events)."""

    state: State  # set on the subclass made by make_server
    allowed_hosts: frozenset[str] | None

    def log_message(self, format, *args) -> None:
        pass  # one line per request would bury the rebuild lines

    def do_GET(self) -> None:
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError):  # the page went away
            pass
        except Exception as err:  # a bug of ours, or a report file removed meanwhile: this request fails alone
            print(safe(f"govreport preview: {self.path}: {type(err).__name__}: {err}"), file=sys.stderr, flush=True)
            self.send_error(500, "see the terminal of govreport preview")

    def _get(self) -> None:
        if self.allowed_hosts is not None and self.headers.get("Host", "") not in self.allowed_hosts:
            return self.send_error(403, "unknown Host (this server answers to its own address only)")
        url = urlsplit(self.path)
        if url.path == "/":
            year, agency = self.state.target
            return self._redirect(f"/{year}/{agency}/")
        match = _PATH.fullmatch(url.path)
        if match is None:
            return self.send_error(404)
        target, what = (int(match[1]), match[2]), match[3]
        if what == "events":
            return self._events(target, int(parse_qs(url.query).get("v", ["0"])[0] or 0))
        self.state.want(target)
        self._send(page(self.state, target, what == "last-good").encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self, target: Target, version: int) -> None:
        """Server-sent events: `status` (the bar's line) as it changes, then `reload` once the page's report
        has a newer version; ends there (the reloaded page opens its own stream)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, shown, woke = self.state, None, True
        try:
            self.wfile.write(f"retry: {RETRY_MS}\n\n".encode())
            while True:
                with state.changed:
                    if state.status == shown and state.versions.get(target, 0) <= version and not state.closed:
                        woke = state.changed.wait(PING)
                    closed, newer, status = state.closed, state.versions.get(target, 0) > version, state.status
                if closed:
                    return
                if newer:
                    self.wfile.write(b"event: reload\ndata: \n\n")
                    self.wfile.flush()
                    return
                if status != shown:
                    self.wfile.write(f"event: status\ndata: {json.dumps(status)}\n\n".encode())
                    shown = status
                elif not woke:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def make_server(state: State, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """The HTTP server on host:port (port 0: a free one); on a loopback address it answers only requests
    naming it (no DNS-rebinding page can read the reports)."""
    loopback = _loopback(host)
    handler = type("PreviewHandler", (Handler,), {"state": state, "allowed_hosts": None})
    try:
        httpd = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        raise build.BuildError(f"cannot serve on {host}:{port}: {err.strerror}") from None
    httpd.daemon_threads = True
    if loopback:
        port = httpd.server_address[1]
        handler.allowed_hosts = frozenset(f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]", host))
    return httpd


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


# ---------------------------------------------------------------- the warm worker, seen from here
class Worker(build._Worker):
    """The warm worker process (spawned: it starts clean and imports govreport's code as it is now)."""

    def __init__(self, log: Path):
        super().__init__(log, answer=refresh)

    def ask(self, request: Request) -> Result | None:
        """The result of `request`, or None if the worker died first."""
        try:
            self.give(request)
        except OSError:  # it died waiting
            return None
        multiprocessing.connection.wait([self.conn, self.process.sentinel])
        return self.result()

    def close(self) -> str:
        """Stop the worker now, even mid-request (its kernels and fork server with it); say how it ended."""
        if self.process.is_alive():
            self.process.terminate()
        return super().close()


def _died(target: Target, how: str, log: Path) -> Result:
    return Result(*target, "failed", "report", f"the preview's worker process died ({how}); its error output is "
                                               f"in {log} or above in the terminal; the next save starts a new one")


def _ask(worker: Worker | None, request: Request, log: Path) -> tuple[Worker | None, Result]:
    """The worker's result of `request`. A worker that dies meanwhile is replaced and asked once more (as a
    build retries a report once); dying again, the result says so and the next change starts a fresh one."""
    for attempt in range(2):
        worker = worker or Worker(log)
        try:
            result = worker.ask(request)
        except BaseException:  # Ctrl-C, SIGTERM: it ends with us
            worker.close()
            raise
        if result is not None:
            return worker, result
        how, worker = worker.close(), None
    return None, _died((request.year, request.agency), how, log)


def rebuild_loop(state: State, flags, log: Path, stream) -> None:
    """The main loop: a rebuild of the wanted report now, and after each burst of changes to what it reads
    (a burst during a rebuild: one more after it). Runs until interrupted."""
    worker, first = None, True
    try:
        while True:
            batches = [] if first else [state.wanted.get()]  # waits for a change, or a page asking
            while not state.wanted.empty():  # and whatever else came meanwhile: one rebuild for all
                batches.append(state.wanted.get())
            first = False
            if worker is not None and (not worker.process.is_alive()
                                       or any(is_code(path) for batch in batches for _, path in batch)):
                worker.close()
                worker = None
            target = state.target
            state.say(f"building {target[1]} {target[0]}…" if worker else "starting the worker…")
            asked, worker = worker, None  # _ask owns it now (and closes it if interrupted)
            worker, result = _ask(asked, Request(flags, *target), log)
            state.done(result)
            print(safe(f"[preview {time.strftime('%H:%M:%S')}] {target[1]} {target[0]}: {status_line(result)}"),
                  file=stream, flush=True)
    finally:
        if worker is not None:
            worker.close()


def watch(state: State, stop: threading.Event) -> None:
    """The watcher thread: each burst of relevant changes goes to the main loop's inbox."""
    for changes in watchfiles.watch(*roots(state.data_dir, state.notebook), watch_filter=state.relevant,
                                    step=STEP_MS, stop_event=stop, raise_interrupt=False):
        state.wanted.put(changes)


def preview(flags, stream=sys.stderr) -> int:
    """Serve the report of flags.agency (or the region's) for flags.year until Ctrl-C or SIGTERM."""
    target = (flags.year, outputs.REGION_DIR if flags.region else flags.agency)
    settings = settings_for(Request(flags, *target))  # bad settings at the start: one line, exit status 2
    state = State(settings, target)
    httpd = make_server(state, flags.host, flags.port)
    host = f"[{flags.host}]" if ":" in flags.host else flags.host
    url = f"http://{host}:{httpd.server_address[1]}/{target[0]}/{target[1]}/"
    stop = threading.Event()
    threads = [threading.Thread(target=httpd.serve_forever, daemon=True),
               threading.Thread(target=watch, args=(state, stop), daemon=True)]
    for thread in threads:
        thread.start()
    print(f"govreport preview: {url}  (Ctrl-C to stop)", flush=True)
    if flags.open:
        webbrowser.open(url)
    log = outputs.year_dir(settings.output_dir, flags.year) / outputs.WORKER_LOG
    try:
        with build._sigterm_interrupts():
            rebuild_loop(state, flags, log, stream)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        state.close()
        httpd.shutdown()
        httpd.server_close()
        threads[1].join(2)
    print("govreport preview: stopped", file=stream, flush=True)
    return 0


def add_parser(sub) -> None:
    """Register `govreport preview`."""
    p = sub.add_parser("preview", help="serve one report in the browser, rebuilt and reloaded on every save",
                       description="Build one agency's report (or the region's) and serve it on this machine; "
                                   "every save of its data, narrative, notebook, params or govreport's code "
                                   "rebuilds it and reloads the page. Errors show in the page. Ctrl-C stops.")
    p.add_argument("--year", type=int, required=True, help="report year")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--agency", help="agency id (see data/<year>/agencies.csv)")
    who.add_argument("--region", action="store_true", help="the region's 汇总 report (data/<year>/region.csv)")
    p.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one, printed)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to serve on (default 127.0.0.1: this machine only)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    config.add_project_flags(p)
    p.set_defaults(func=preview)
