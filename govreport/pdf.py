"""Reports as PDF files: report.html printed to an A4 report.pdf beside it, by headless Chromium.

Why Chromium: it renders the very HTML readers see (same layout, same embedded font, the inline SVG charts as
vectors), Debian installs it with one command (`apt-get install chromium`), and the browser test already needs
it. The page's print CSS (report.css) sets the A4 margins, keeps tables whole where it can and heads the
first page with the title. Chromium does not implement CSS @page margin boxes, so the page numbers
(— 1 —, as Chinese official documents number their pages) come from its own footer, set through the DevTools
protocol, which Playwright drives.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .files import write_atomic_bytes

INSTALL = "sudo apt-get install -y chromium"
ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run")
FOOTER = ('<div style="width: 100%; text-align: center; font-size: 9pt; color: #333;">'
          '— <span class="pageNumber"></span> —</div>')


def chromium() -> str | None:
    """The Chromium executable: $GOVREPORT_CHROMIUM if set, else `chromium` on the PATH; None when missing."""
    explicit = os.environ.get("GOVREPORT_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("chromium")


def available() -> str | None:
    """None when PDFs can be printed here, else the one command that installs what is missing."""
    return None if chromium() else INSTALL


class PdfPrinter:
    """One headless Chromium for many reports: `with PdfPrinter() as p: p.print(html_path, pdf_path)`."""

    def __enter__(self) -> PdfPrinter:
        executable = chromium()
        if executable is None:
            raise RuntimeError(f"printing PDF needs Chromium; install it with: {INSTALL}")
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=list(ARGS))
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._playwright.stop()

    def print(self, html_path: Path, pdf_path: Path) -> None:
        """Print one page to an A4 PDF (written atomically). Only local files may load: nothing is fetched."""
        page = self._browser.new_page()
        try:
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(Path(html_path).resolve().as_uri())
            page.evaluate("document.fonts.ready.then(() => true)")
            data = page.pdf(format="A4", print_background=True, display_header_footer=True,  # margins: @page
                            header_template="<span></span>", footer_template=FOOTER)
        finally:
            page.close()
        write_atomic_bytes(Path(pdf_path), data)


def write_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print one report to PDF (launches Chromium; for many reports use one PdfPrinter)."""
    with PdfPrinter() as printer:
        printer.print(html_path, pdf_path)
