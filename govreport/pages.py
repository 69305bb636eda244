"""Our own HTML pages (the year's index, the diff of two builds): Jinja templates beside the report's."""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "govreport"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(template: str, **context) -> str:
    """The page `template` (a file of templates/govreport/) filled in with `context`, every value escaped."""
    return _environment().get_template(template).render(**context)
