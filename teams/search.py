"""The one search box (navigation, every role): what a query can mean, and the hits the apps return.

Each app registers a provider with ``teams.registry.register_search``; a provider answers only with what
its own ``visible_to(user)`` allows, in one query, so the page runs a fixed number of queries. The client
lookups of the call and complaint forms use the same terms and the same client filter
(``clients/search.py``).
"""

import re
from dataclasses import dataclass

from teams.phones import normalize_phone

# A phone is searched from this many digits on (a complaint or contract number needs fewer).
MIN_PHONE_DIGITS = 4
# Hits per kind on the search page.
HITS_PER_KIND = 8


@dataclass(frozen=True)
class SearchTerms:
    """``text`` as typed (trimmed); ``digits`` when it reads as a number once +86, spaces, dashes and
    brackets are taken out; ``letters`` when it is only latin letters (pinyin or initials), lower case."""

    text: str
    digits: str
    letters: str

    @classmethod
    def parse(cls, query: str) -> "SearchTerms":
        text = re.sub(r"\s+", " ", (query or "").strip())[:100]
        compact = normalize_phone(re.sub(r"[\s\-–—.()（）]", "", text))
        digits = compact if compact.isdigit() else ""
        letters = text.lower().replace(" ", "") if re.fullmatch(r"[A-Za-z ]+", text) else ""
        return cls(text=text, digits=digits, letters=letters)

    @property
    def is_phone(self) -> bool:
        return len(self.digits) >= MIN_PHONE_DIGITS

    @property
    def number(self) -> int | None:
        """The query as a record number (#123, 123), if it is one."""
        match = re.fullmatch(r"#?\s*(\d{1,9})", self.text)
        return int(match.group(1)) if match else None

    @property
    def is_text(self) -> bool:
        """Worth a text search (names, addresses, summaries): not a number, at least two characters."""
        return not self.digits and self.number is None and len(self.text) >= 2

    @property
    def searchable(self) -> bool:
        return bool(self.digits) or self.number is not None or self.is_text


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is, where it opens (None: nothing to open for this user), a line of detail."""

    title: str
    url: str | None
    detail: str = ""
    badge: str = ""
