"""Long lists on the HTML pages, shown PER_PAGE items at a time: ``?p=N`` picks the page.

A hub of a large graph (ICOM at a million triples) takes part in thousands of ties; one page
listing them all weighs megabytes. The first page carries no parameter, so every list keeps
one canonical address, and a page past the end is a 404 rather than an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from ..words import said
from .site import lang_of

PER_PAGE = 100
#: The ties an entity's page says at a time: each is a sentence with its sources, so that a hub's
#: page stays under 100 KB.
TIES_PER_PAGE = 50


class BadPage(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Pager:
    """Where the shown items sit in the whole list, and the links to the pages beside."""

    page: int
    pages: int
    first: int  # 1-based number of the first item shown
    last: int
    total: int
    previous: str | None
    next: str | None


def requested(request: Request) -> int:
    """The page number asked for: 1 when ``p`` is absent, else a positive integer."""
    values = request.query_params.getlist("p")
    if not values:
        return 1
    if len(values) > 1:
        raise BadPage(400, said("error_page_twice"))
    text = values[0]
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or not digits:
        raise BadPage(400, said("error_page_number", given=repr(text[:20])))
    # a number too long to read (Python refuses integers of thousands of digits) is past the end
    return int(digits) if len(digits) <= 12 else 10**12


def url_of(request: Request, page: int, keep: tuple[str, ...] = ()) -> str:
    """This address at ``page``, in the page's language, with the parameters named in ``keep``
    (a search's query). No other parameter is kept: the page is cached, and its links must not
    carry what one client happened to add."""
    lang = lang_of(request)
    params = [("lang", lang)]
    params += [(name, request.query_params[name]) for name in keep if request.query_params.get(name)]
    if page > 1:
        params.append(("p", str(page)))
    return request.url.path + ("?" + urlencode(params) if params else "")


def cut(items: list, page: int, request: Request, keep: tuple[str, ...] = (), per: int = PER_PAGE) -> tuple[list, Pager | None]:
    """The items of ``page``, ``per`` a page, and a pager (None when everything fits on one
    page) whose links keep the parameters named in ``keep``."""
    pages = max(1, -(-len(items) // per))
    if page > pages:
        raise BadPage(404, said("error_page_one" if pages == 1 else "error_page_beyond", page=page, pages=pages))
    if pages == 1:
        return items, None
    start = (page - 1) * per
    shown = items[start:start + per]
    return shown, Pager(page, pages, start + 1, start + len(shown), len(items),
                        url_of(request, page - 1, keep) if page > 1 else None,
                        url_of(request, page + 1, keep) if page < pages else None)
