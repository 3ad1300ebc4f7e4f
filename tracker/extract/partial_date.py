"""A calendar date known to a day, a month or a year."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (YEAR, MONTH, DAY)  # coarse to fine

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date with an honest precision: 2018, 2018-09 or 2018-09-17.

    A month-precision date is the whole month, not its first day: `first`
    and `last` give the days it covers.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            dt.date(self.year, self.month, self.day)  # raises ValueError

    @property
    def precision(self) -> str:
        if self.day is not None:
            return DAY
        if self.month is not None:
            return MONTH
        return YEAR

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> dt.date:
        if self.day is not None:
            return self.first
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def isoformat(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    __str__ = isoformat

    def display(self) -> str:
        """Return the date as a reader would write it: 17 Sept 2018, Sept 2018, 2018."""
        if self.day is not None:
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"
        if self.month is not None:
            return f"{calendar.month_name[self.month]} {self.year}"
        return str(self.year)

    @classmethod
    def from_date(cls, value: dt.date, precision: str = DAY) -> PartialDate:
        if precision == DAY:
            return cls(value.year, value.month, value.day)
        if precision == MONTH:
            return cls(value.year, value.month)
        if precision == YEAR:
            return cls(value.year)
        raise ValueError(f"unknown precision: {precision!r}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError otherwise."""
        match = _ISO.match(str(text).strip())
        if not match:
            raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {text!r}")
        year, month, day = (int(g) if g else None for g in match.groups())
        return cls(year, month, day)
