"""Jinja2 templates with autoescaping, and the helpers every page uses."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .assets import Assets
from .state import STATIC, TEMPLATES

#: The static files, linked from the pages under versioned names.
ASSETS = Assets(STATIC)


def safe_href(iri: str) -> str | None:
    """Only http(s) IRIs become links; anything else (javascript:, data:, file:) stays text."""
    try:
        scheme = urlsplit(iri).scheme.lower()
    except ValueError:
        return None
    return iri if scheme in ("http", "https") else None


def json_for_script(value) -> Markup:
    """JSON safe to embed in <script>: no '</script>', '<!--' or U+2028 can end or bend it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))
    env.filters["safe_href"] = safe_href
    env.filters["json_script"] = json_for_script
    env.globals["static"] = ASSETS.url
    return env
