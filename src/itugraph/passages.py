"""Passages of a source document: the span of text that states a fact.

A passage is what the W3C Web Annotation model calls a target with two selectors: a
``TextPositionSelector`` (character offsets into the source copy, counted in Unicode code
points as Python counts them) and a ``TextQuoteSelector`` (the exact text with a little context
either side). Ingest attaches one to every candidate fact; the aligner finds them for the
curated graph, so a reader can check a fact against its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


@dataclass(frozen=True, order=True)
class Passage:
    """``text[start:end]`` of the source document ``source`` (its slug), which is ``exact``."""

    source: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def of(cls, source: str, text: str, start: int, end: int, context: int = CONTEXT) -> Passage:
        """The passage ``text[start:end]`` with up to ``context`` characters either side."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
        return cls(
            source,
            start,
            end,
            text[start:end],
            text[max(0, start - context) : start],
            text[end : end + context],
        )

    def found_in(self, text: str) -> bool:
        """Whether this passage's offsets still select its exact text in ``text``."""
        return text[self.start : self.end] == self.exact

    def as_json(self) -> dict:
        """The passage as a Web Annotation ``SpecificResource`` target in JSON-LD form."""
        return {
            "source": self.source,
            "selector": [
                {"type": "TextPositionSelector", "start": self.start, "end": self.end},
                {
                    "type": "TextQuoteSelector",
                    "exact": self.exact,
                    "prefix": self.prefix,
                    "suffix": self.suffix,
                },
            ],
        }
