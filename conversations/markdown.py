"""Messages are plain text with links: a bare address becomes a link, line breaks are kept, and
the Markdown goes through the listings' sanitiser (nh3) with a short list of tags."""

import re

from django.utils.safestring import SafeString

from listings.markdown import render_markdown

MESSAGE_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "blockquote"}
EXTENSIONS = ("extra", "sane_lists", "nl2br")

# A bare http(s) address not already inside Markdown link or autolink syntax.
BARE_URL = re.compile(r"(?<![(<\[\"'=])\bhttps?://[^\s<>()\[\]\"']+", re.IGNORECASE)
TRAILING = ".,;:!?"


def _autolink(text: str) -> str:
    def wrap(match: re.Match) -> str:
        url = match.group(0)
        stripped = url.rstrip(TRAILING)
        return f"<{stripped}>{url[len(stripped) :]}"

    return BARE_URL.sub(wrap, text)


def message_html(body: str) -> SafeString:
    return render_markdown(_autolink(body or ""), tags=MESSAGE_TAGS, extensions=EXTENSIONS)


def message_text(body: str) -> str:
    """The message as it goes into a plain-text email: what the author typed."""
    return (body or "").strip()
