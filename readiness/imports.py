"""What every import shares: the outcome with its row errors, and header matching.

Schools (django-import-export, preview then confirm) and person files (a
streaming COPY import) read differently, but they report the same way and
recognise their columns the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import override


@dataclass
class RowError:
    row: int | None  # the spreadsheet row as users see it (the header is row 1)
    column: str  # the column's label in the user's language, or ""
    message: str


@dataclass
class ImportOutcome:
    """How an import went. ``errors`` keeps the first ``keep`` problems for the
    page; ``error_count`` counts them all."""

    total: int = 0  # data rows read
    new: int = 0
    updated: int = 0
    written: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    keep: int = 500
    preview: list[dict] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    report: bytes = b""  # a csv of every problem, when the import writes one

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.keep:
            self.errors.append(RowError(row, column, message))


class Headers:
    """Recognises a file's header row: each column by its key, or by its label in
    Chinese or English, whatever the case, the order or a leading BOM."""

    def __init__(
        self,
        labels: Mapping[str, Iterable[object]],
        *,
        required: Iterable[str],
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.labels = labels
        self.required = tuple(required)
        self._aliases: dict[str, str] = {}
        for key, spellings in labels.items():
            self._aliases[key.lower()] = key
            for spelling in spellings:
                for lang in ("zh-hans", "en"):  # lazy labels read in both languages
                    with override(lang):
                        self._aliases[str(spelling).strip().lower()] = key
        self._aliases.update({k.lower(): v for k, v in (aliases or {}).items()})

    def label(self, key: str) -> str:
        """The column's first label, in the active language."""
        spellings = list(self.labels.get(key, ()))
        return str(spellings[0]) if spellings else key

    def match(self, cells: Iterable[object]) -> tuple[list[str | None], list[str], list[str]]:
        """(the key of each column or None, missing required keys, unknown headers)."""
        keys: list[str | None] = []
        unknown: list[str] = []
        for cell in cells:
            text = str(cell or "").strip().lstrip("\ufeff")
            key = self._aliases.get(text.lower())
            if key is None and text:
                unknown.append(text)
            keys.append(key)
        missing = [key for key in self.required if key not in keys]
        return keys, missing, unknown
