"""Listing descriptions are Markdown written by employers: rendered, then sanitised with nh3.
Conversation messages (conversations/markdown.py) go through the same sanitiser with fewer tags."""

import re
import threading

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


SHIFT = {"1": "3", "2": "3", "3": "4", "4": "5", "5": "6", "6": "6"}


def _demote_headings(html: str) -> str:
    # The description sits under the page's own h2 ("About the role"): keep the outline intact.
    return re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{SHIFT[m.group(2)]}", html)


_local = threading.local()


def _renderer(extensions: tuple[str, ...]) -> md.Markdown:
    # Building a Markdown instance costs about 1 ms, four times a conversion: keep one per
    # thread and set of extensions (instances are not safe to share between threads).
    renderers = _local.__dict__.setdefault("renderers", {})
    if extensions not in renderers:
        renderers[extensions] = md.Markdown(extensions=list(extensions), output_format="html")
    return renderers[extensions]


def render_markdown(
    text: str, *, tags: set[str] = ALLOWED_TAGS, extensions: tuple[str, ...] = ("extra", "sane_lists")
) -> SafeString:
    """Markdown to sanitised HTML. ``tags`` narrows what survives (other apps' plainer texts,
    such as conversation messages, pass a smaller set); links keep http(s) and mailto only."""
    html = _demote_headings(_renderer(extensions).reset().convert(text or ""))
    clean = nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)
