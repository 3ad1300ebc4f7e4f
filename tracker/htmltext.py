"""Turn an HTML page into the clean text an article is stored as.

Scripts, styles, navigation, headers, footers, asides and forms go; each
block (paragraph, heading, list item, table row) becomes one paragraph, and
paragraphs are separated by a blank line, the way the text pipeline and the
editors read articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag

# Never part of an article's text.
DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "head",
    "figure",
    "dialog",
    "menu",
}
# Landmark roles that sites use instead of the HTML5 elements above.
DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "form", "menu", "menubar", "dialog"}
BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "caption",
    "address",
    "body",
    "html",
    "hr",
    "figcaption",
    "details",
    "summary",
}
_SPACE = re.compile(r"\s+")
# Markers while collecting text: a paragraph boundary and a line break (<br>).
_BREAK, _LINE = "\x00", "\x01"
_BREAK_MARK = object()  # on the stack: close a block after its children


@dataclass(frozen=True)
class HtmlDocument:
    """The clean text of a page and what its head says about it."""

    text: str
    title: str = ""
    published: str = ""
    url: str = ""
    publisher: str = ""


def _meta(soup: BeautifulSoup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content", "").strip():
            return tag["content"].strip()
    return ""


def _collect(root: Tag, out: list[str]) -> None:
    # An explicit stack, not recursion: hostile pages nest thousands of tags deep.
    stack: list[tuple[object, bool]] = [(child, False) for child in reversed(list(root.children))]
    while stack:
        node, pre = stack.pop()
        if node is _BREAK_MARK:
            out.append(_BREAK)
            continue
        if isinstance(node, Comment | Doctype | ProcessingInstruction):
            continue
        if isinstance(node, NavigableString):
            # Source line breaks are plain spaces in HTML, except inside <pre>.
            out.append(str(node).replace("\n", _LINE) if pre else str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name.lower()
        if name in DROP or (node.get("role") or "").lower() in DROP_ROLES or node.has_attr("hidden"):
            continue
        if name == "br":
            out.append(_LINE)
            continue
        if name in {"td", "th"}:
            out.append(" ")
        block = name in BLOCK
        if block:
            out.append(_BREAK)
            stack.append((_BREAK_MARK, pre))
        inner_pre = pre or name == "pre"
        stack.extend((child, inner_pre) for child in reversed(list(node.children)))


def _paragraphs(raw: str) -> str:
    paragraphs = []
    for chunk in raw.split(_BREAK):
        lines = [_SPACE.sub(" ", line).strip() for line in chunk.split(_LINE)]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def html_document(html: str) -> HtmlDocument:
    """Return the clean text of `html` with the title, date and address its head gives."""
    soup = BeautifulSoup(html, "lxml")
    title = _meta(soup, "og:title", "twitter:title")
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip()
    published = _meta(soup, "article:published_time", "datePublished", "date", "dc.date", "DC.date.issued")
    if not published:
        time_tag = soup.find("time", attrs={"datetime": True})
        published = time_tag["datetime"].strip() if time_tag else ""
    canonical = soup.find("link", rel="canonical")
    url = (canonical.get("href", "").strip() if canonical else "") or _meta(soup, "og:url")
    publisher = _meta(soup, "og:site_name")
    # Prefer the article itself when the page marks it, so sidebars and teasers stay out.
    root = soup.find("article") or soup.find("main") or soup.body or soup
    out: list[str] = []
    _collect(root, out)
    return HtmlDocument(text=_paragraphs("".join(out)), title=title, published=published, url=url, publisher=publisher)


def html_to_text(html: str) -> str:
    """Return the clean, paragraph-separated text of `html`."""
    return html_document(html).text
