"""govreport preview: a real server on a copy of the sample project, seen through headless Chromium (saves
reload the page, bad edits show in it, Ctrl-C leaves no process), and its pieces one by one."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pytest
from watchfiles import Change

from nbconvert.exporters import TemplateExporter

from govreport import cli, outputs, pages, preview, preview_worker, render
from govreport.preview_worker import Request, Result

from conftest import SEED_AGENCY

BIN = Path(sys.executable).parent / "govreport"
YEAR = 2022
AGENCY = SEED_AGENCY.id
OTHER = "hongsibu-edu-bureau"
ROW_1 = f"{AGENCY},1,5,0,0,0,0,0,5"  # section3.csv: 一、本年新收政府信息公开申请数量, natural persons and total
WAIT_MS = 120_000  # a loaded 2-core machine: a first build can take tens of seconds
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the sample project (govreport init --from-sample), the current directory."""
    root = tmp_path / "project"
    assert cli.main(["init", "--from-sample", str(root)]) == 0
    monkeypatch.chdir(root)
    return root


def flags(*extra: str):
    return cli.parser().parse_args(["preview", "--year", str(YEAR), *(extra or ("--agency", AGENCY))])


def settings(*extra: str):
    f = flags(*extra)
    return preview_worker.settings_for(Request(f, YEAR, outputs.REGION_DIR if f.region else f.agency))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- the server as a user runs it
class Server:
    """`govreport preview` as a subprocess in `project`; remembers every process it started."""

    def __init__(self, project: Path):
        self.log = project / "preview.log"
        self.proc = subprocess.Popen([str(BIN), "preview", "--year", str(YEAR), "--agency", AGENCY], cwd=project,
                                     stdout=subprocess.PIPE, stderr=self.log.open("w"), text=True)
        self.started: dict[int, psutil.Process] = {}
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert line and line[0].startswith("govreport preview: http://127.0.0.1:"), (line, self.text())
        self.url = line[0].split()[2]

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""

    def record(self) -> None:
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            self.started.setdefault(p.pid, p)

    def wait_log(self, fragment: str, count: int = 1, timeout: float = WAIT_MS / 1000) -> None:
        deadline = time.monotonic() + timeout
        while self.text().count(fragment) < count:
            assert self.proc.poll() is None, f"the server died:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {count} × {fragment!r} in:\n{self.text()}"
            time.sleep(0.1)
        self.record()

    def stop(self, signum: int) -> int:
        self.record()
        self.proc.send_signal(signum)
        return self.proc.wait(60)

    def survivors(self) -> list[psutil.Process]:
        time.sleep(0.5)
        return [p for p in self.started.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]

    def kill(self) -> None:
        """After a failed test: nothing may outlive it."""
        if self.proc.poll() is None:
            self.record()
            self.proc.kill()
            self.proc.wait()
        for p in self.survivors():
            p.kill()


@pytest.fixture
def server(project):
    s = Server(project)
    yield s
    s.kill()


@pytest.fixture(scope="module")
def browser():
    from test_browser import CHROMIUM_ARGS, _require_chromium
    executable = _require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


HAS_TEXT = "text => document.body !== null && document.body.innerText.includes(text)"
HAS_CELL = "v => [...document.querySelectorAll('td')].some(td => td.textContent.trim() === v)"


def wait(page, js: str, arg: str) -> None:
    page.wait_for_function(js, arg=arg, timeout=WAIT_MS, polling=50)


def test_a_save_reloads_the_page_and_a_bad_edit_shows_in_it(server, project, browser, tmp_path):
    data = project / "data" / str(YEAR)
    page = browser.new_page(viewport={"width": 1000, "height": 760})
    page.goto(server.url)
    wait(page, HAS_TEXT, SEED_AGENCY.name)
    wait(page, HAS_TEXT, "built at")
    server.record()
    assert page.locator("#govreport-preview select").count() == 2  # year, agency

    # a narrative: the page reloads by itself with the new text
    with (data / "narrative" / AGENCY / "s5.md").open("a", encoding="utf-8") as f:
        f.write("\n预览测试：第一次修改的句子。\n")
    wait(page, HAS_TEXT, "预览测试：第一次修改的句子。")
    page.screenshot(path=str(tmp_path / "preview.png"))

    # a number in section 三: the new table cell
    assert not page.evaluate(HAS_CELL, "37")
    edit(data / "section3.csv", ROW_1, f"{AGENCY},1,37,0,0,0,0,0,37")
    wait(page, HAS_CELL, "37")

    # a bad edit: the error in the page, naming file, agency and cell; the previous good report one click away
    edit(data / "section3.csv", f"{AGENCY},1,37,", f"{AGENCY},1,很多,")
    wait(page, HAS_TEXT, "is not a number")
    problem = page.locator("table.problems tbody tr").first.locator("td").all_inner_texts()
    assert problem[0] == f"data/{YEAR}/section3.csv" and problem[2] == AGENCY
    assert problem[3:5] == ["1", "natural"] and "'很多' is not a number" in problem[5]
    page.screenshot(path=str(tmp_path / "preview-error.png"))
    page.click("#govreport-preview a.last-good")
    wait(page, HAS_CELL, "37")
    assert "previous good report" in page.locator("#govreport-preview").inner_text()

    # fixed: the report again (from the previous good report's page, which follows the current one)
    edit(data / "section3.csv", f"{AGENCY},1,很多,", f"{AGENCY},1,38,")
    edit(data / "section3.csv", f"{AGENCY},1,38,0,0,0,0,0,37", f"{AGENCY},1,38,0,0,0,0,0,38")
    wait(page, HAS_CELL, "38")
    wait(page, HAS_TEXT, "预览测试：第一次修改的句子。")
    assert "is not a number" not in page.inner_text("body")
    if os.environ.get("GOVREPORT_SCREENSHOTS"):  # the README's pictures
        for name in ("preview.png", "preview-error.png"):
            shutil.copyfile(tmp_path / name, SCREENSHOTS / name)

    # another agency, picked in the bar: built, and its own files watched from then on
    page.select_option("#govreport-preview select[aria-label=report]", f"/{YEAR}/{OTHER}/")
    wait(page, HAS_TEXT, "红寺堡区教育局2022年")
    with (data / "narrative" / OTHER / "s5.md").open("a", encoding="utf-8") as f:
        f.write("\n预览测试：另一个机关。\n")
    wait(page, HAS_TEXT, "预览测试：另一个机关。")

    # the bar and its script are the server's: no report file holds them
    written = [p for p in (project / "outputs").rglob("*") if p.is_file()]
    assert any(p.name == outputs.REPORT for p in written)
    for p in written:
        text = p.read_bytes()
        assert b"govreport-preview" not in text and b"EventSource" not in text, p

    # Ctrl-C: the server, its worker, fork server and kernels all end
    assert len(server.started) >= 3, server.started  # worker, fork server, kernel(s)
    assert server.stop(signal.SIGINT) == 0
    assert server.survivors() == []


def test_the_server_outlives_its_worker_and_sigterm_stops_everything(server, project):
    server.wait_log("built at")
    worker = next(p for p in psutil.Process(server.proc.pid).children()
                  if "spawn_main" in " ".join(p.cmdline()))
    worker.kill()  # as a crash would
    with (project / "data" / str(YEAR) / "narrative" / AGENCY / "s5.md").open("a", encoding="utf-8") as f:
        f.write("\n预览测试：工作进程之后。\n")
    server.wait_log("built at", 2)  # a fresh worker made it
    with urllib.request.urlopen(server.url) as response:
        assert "预览测试：工作进程之后。" in response.read().decode("utf-8")
    assert server.stop(signal.SIGTERM) == 0
    assert server.survivors() == []


# ---------------------------------------------------------------- the pieces
def test_it_serves_this_machine_only_by_default(project):
    f = flags()
    assert (f.host, f.port, f.open) == ("127.0.0.1", 0, False)
    state = preview.State(settings(), (YEAR, AGENCY))
    httpd = preview.make_server(state, f.host, f.port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        host, port = httpd.server_address[:2]
        assert host == "127.0.0.1" and port > 0

        def get(path: str, host_header: str) -> tuple[int, str]:
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("GET", path, headers={"Host": host_header})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")

        status, body = get(f"/{YEAR}/{AGENCY}/", f"127.0.0.1:{port}")
        assert status == 200 and "Making the report" in body and "EventSource" in body
        state.done(Result(YEAR, AGENCY, "failed", "data", "bad", names={AGENCY: SEED_AGENCY.name, "b": "乙局"}))
        body = get(f"/{YEAR}/{AGENCY}/", f"127.0.0.1:{port}")[1]  # the bar: years, agencies, the region
        for option in (f'"/2021/{AGENCY}/"', f'"/{YEAR}/b/"', f'"/{YEAR}/{outputs.REGION_DIR}/"'):
            assert f"<option value={option}" in body, option
        assert "乙局" in body and "the previous good report" not in body  # none was built yet
        assert get("/", f"localhost:{port}")[0] == 302
        assert get(f"/{YEAR}/{AGENCY}/", f"attacker.example:{port}")[0] == 403  # DNS rebinding
        assert get("/2022/../../etc/passwd", f"127.0.0.1:{port}")[0] == 404
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_watcher_follows_what_the_report_reads(project):
    s = settings()
    state = preview.State(s, (YEAR, AGENCY))
    data = project / "data"

    def relevant(path: Path) -> bool:
        return state.relevant(Change.modified, str(path))

    for path in (data / "2022/section3.csv", data / "2021/section4.csv", data / "2021/agencies.csv",
                 data / f"2022/narrative/{AGENCY}/s5.md", data / f"2021/narrative/{AGENCY}/s1.md",
                 project / "notebooks/agency_report.ipynb", project / "params/2022.yaml",
                 preview.PACKAGE / "narrative.py", preview.PACKAGE / "templates/govreport/index.html.j2"):
        assert relevant(path), path
    for path in (data / "2022/narrative/hongsibu-edu-bureau/s5.md", data / "2020/section3.csv",
                 data / "2022/region.csv", project / "outputs/2022" / AGENCY / "report.html",
                 data / f"2022/narrative/{AGENCY}/.s5.md.swp", project / "README.md"):
        assert not relevant(path), path
    state.want((YEAR, "hongsibu-edu-bureau"))  # another agency picked in the bar
    assert relevant(data / "2022/narrative/hongsibu-edu-bureau/s5.md")
    assert not relevant(data / f"2022/narrative/{AGENCY}/s5.md")
    state.want((YEAR, outputs.REGION_DIR))
    assert relevant(data / "2022/region.csv") and relevant(data / "2021/region/s1.md")
    assert set(preview.roots(s.data_dir, s.notebook)) == {data, project / "notebooks", project / "params",
                                                           preview.PACKAGE}
    assert preview.is_code(preview.PACKAGE / "report.py") and not preview.is_code(data / "2022/section3.csv")


def test_bursts_are_one_rebuild_and_a_code_change_restarts_the_worker(project, monkeypatch):
    """The main loop with a stand-in worker: what it is asked, and when a fresh one is started."""
    state = preview.State(settings(), (YEAR, AGENCY))
    data_change = {(Change.modified, str(project / "data/2022/section3.csv"))}
    code_change = {(Change.modified, str(preview.PACKAGE / "narrative.py"))}
    script = [[data_change] * 3, [code_change], None]  # what arrives during each rebuild
    asked, workers = [], []

    class Stand:
        def __init__(self, log):
            workers.append(self)
            self.process, self.closed = SimpleNamespace(is_alive=lambda: True), False

        def ask(self, request):
            asked.append(self)
            arriving = script.pop(0)
            if arriving is None:
                raise KeyboardInterrupt
            for batch in arriving:
                state.wanted.put(batch)
            return Result(request.year, request.agency, "built")

        def close(self):
            self.closed = True
            return "exit status 0"

    monkeypatch.setattr(preview, "Worker", Stand)
    with pytest.raises(KeyboardInterrupt):
        preview.rebuild_loop(state, flags(), project / "workers.log", sys.stderr)
    first, second = workers
    assert asked == [first, first, second]  # three saves: one rebuild; code: a new worker
    assert first.closed and second.closed


def test_errors_in_the_page_name_what_failed(project, tmp_path, monkeypatch):
    """Each kind of failure as the worker reports it and the page shows it (no browser, no server)."""
    state = preview.State(settings(), (YEAR, AGENCY))

    def shown(request: Request) -> tuple[Result, str]:
        result = preview_worker.refresh(request)
        state.done(result)
        return result, preview.page(state, (request.year, request.agency))

    # the build settings
    params = project / "params" / "2022.yaml"
    good_params = params.read_text(encoding="utf-8")
    params.write_text(good_params + "\npdf: 'false'\n", encoding="utf-8")
    result, html = shown(Request(flags(), YEAR, AGENCY))
    assert (result.status, result.kind) == ("failed", "params")
    assert "2022.yaml: pdf: Input should be a valid boolean" in result.error and "build settings" in html
    params.write_text(good_params, encoding="utf-8")

    # a failing notebook cell: its source and its traceback
    notebook = project / "notebooks" / "agency_report.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('shown = 1\nraise ValueError("预览测试：坏的单元格")'))
    nbformat.write(nb, notebook)
    result, html = shown(Request(flags(), YEAR, AGENCY))
    assert (result.status, result.kind) == ("failed", "notebook")
    assert result.cell == 'shown = 1\nraise ValueError("预览测试：坏的单元格")'
    assert "ValueError" in result.detail and "预览测试：坏的单元格" in result.detail
    assert "A cell of the report notebook failed" in html and "raise ValueError(&#34;预览测试" in html
    nb.cells.pop()
    nbformat.write(nb, notebook)

    # the report's template (a copy of govreport's, broken)
    templates = tmp_path / "templates"
    shutil.copytree(pages.TEMPLATES, templates)
    edit(templates / "govreport" / "index.html.j2", "</body>", "{% if %}</body>")
    monkeypatch.setattr(render, "exporter", lambda: TemplateExporter(
        template_name="govreport", template_file="index.html.j2", extra_template_basedirs=[str(templates)]))
    result, html = shown(Request(flags(), YEAR, AGENCY))
    assert (result.status, result.kind) == ("failed", "template")
    assert result.error.startswith("TemplateSyntaxError") and "The report template failed" in html
    monkeypatch.undo()
    monkeypatch.chdir(project)

    # the region's data: every bad cell of every agency it sums, one row each
    s4 = project / "data" / "2022" / "section4.csv"
    lines = s4.read_text(encoding="utf-8").splitlines()
    lines[2] = ",".join(lines[2].split(",")[:2] + ["-3"] + lines[2].split(",")[3:])
    s4.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, html = shown(Request(flags("--region"), YEAR, outputs.REGION_DIR))
    assert (result.status, result.kind) == ("failed", "data")
    assert [(p["file"], p["agency"]) for p in result.problems] == [("data/2022/section4.csv",
                                                                   lines[2].split(",")[0])]
    assert "-3 is negative" in result.problems[0]["problem"] and "section4.csv" in html


def test_the_report_is_written_as_a_build_writes_it(project, capsys):
    """What the preview's worker writes is a build's report: `govreport run` finds it up to date."""
    request = Request(flags(), YEAR, AGENCY)
    assert preview_worker.refresh(request).status == "built"
    assert preview_worker.refresh(request).status == "skipped"
    capsys.readouterr()
    assert cli.main(["run", "--year", str(YEAR), "--agency", AGENCY]) == 0
    assert f"{YEAR}: 1 skipped of 1" in capsys.readouterr().out


def test_the_loop_benchmark(tmp_path):
    """benchmarks/loop.py's verdicts, and its floor for one report (its timings are printed, never asserted)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import loop
    from batch import Timing
    floor = {"first": 0.5, "warm": 0.3}
    fast = loop.report([Timing(2.0, 3.0)] * 3, [0.9, 1.2, 0.8], [0.7], 0.9, Timing(3.0, 2.9), floor)
    assert "[target <= 2.5 s: PASS; by CPU time: FAIL]" in fast[0]
    assert "[target <= 1 s: PASS; by CPU time: PASS]" in fast[1]
    slow = loop.report([Timing(2.6, 2.0)], [1.1], [], 1.2, Timing(3.0, 2.9), floor)
    assert "[target <= 2.5 s: FAIL; by CPU time: PASS]" in slow[0]
    assert "[target <= 1 s: FAIL; by CPU time: FAIL]" in slow[1]
    seconds = loop.floor_one(Path(__file__).resolve().parents[1] / "data", YEAR, AGENCY, tmp_path)
    assert seconds["first"] > 0 and seconds["warm"] > 0
    pages = [(tmp_path / f"pass-{i}" / f"{AGENCY}.html").read_text(encoding="utf-8") for i in range(2)]
    assert pages[0] == pages[1] and SEED_AGENCY.name in pages[0]
