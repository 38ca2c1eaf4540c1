"""The dates of an OAI-PMH harvest: the checks of --from and --until, and the
repository's responseDate in the form a from= must have.

OAI-PMH 2.0 allows a day (YYYY-MM-DD) or a UTC moment (YYYY-MM-DDThh:mm:ssZ) and
nothing else; a repository answers any other with badArgument, but only after the
store is locked and the harvest has begun, so the harvester checks first. Apart from
:mod:`ld.harvest` to keep that module's size in bounds; `ldpub harvest` checks its
flags with them without loading the harvester.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ld.errors import InputError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")  # the shape of one


def oai_moment(value: str | None, granularity: str) -> str | None:
    """A repository's responseDate as a from= it must accept, or None when it is no date.

    OAI-PMH wants YYYY-MM-DDThh:mm:ssZ, but repositories write fractions of a
    second or "+00:00"; saved verbatim, such a date made every later run fail
    with badArgument. Read as ISO 8601, taken to UTC and cut down to the
    second (or the day), it loses nothing: the next run starts no later.
    """
    try:
        moment = datetime.fromisoformat(value or "")  # "Z", fractions, offsets
    except ValueError:
        return None
    moment = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
    return moment.strftime("%Y-%m-%d" if granularity == "day" else "%Y-%m-%dT%H:%M:%SZ")


def date_problem(value: str) -> str | None:
    """Why ``value`` is no OAI-PMH date (a real UTC day or moment), or None when it is one.

    Checked before any request: a repository answers "2003-13-45" with a
    badArgument only after the store is locked and the harvest has begun.
    """
    if not _DATE.match(value):
        return f"{value!r} is not an OAI-PMH date"
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ" if "T" in value else "%Y-%m-%d")
    except ValueError:
        return f"{value!r} is no calendar date or time"
    return None


def like_until(saved: str | None, until: str | None) -> str | None:
    """The saved state's from= in the granularity of the user's --until, which OAI-PMH
    wants the same: a day as its first moment ("2024-03-04T00:00:00Z"), a moment as its
    day (no later, so nothing is missed). ldpub saved it: refusing the pair made the user
    repair what ldpub wrote."""
    if not saved or not until or len(saved) == len(until):
        return saved
    return f"{saved}T00:00:00Z" if len(saved) == 10 else saved[:10]


def check_date(name: str, value: str | None) -> None:
    problem = date_problem(value) if value else None
    if problem:
        raise InputError(f"--{name} {problem}", hint=DATE_HINT)


def range_problem(from_: str | None, until: str | None, from_name: str = "--from"
                  ) -> str | None:
    """Why ``from_`` .. ``until`` (both valid dates) is no range to ask for, or None.

    OAI-PMH 2.0 wants both of one granularity (a repository answers a day
    and a moment with badArgument), and a range that ends before it starts
    matches nothing: neither is worth locking the store and asking for.
    """
    if not (from_ and until):
        return None
    if len(from_) != len(until):
        return (f"{from_name} {from_} and --until {until} are of different granularities "
                "(a day and a moment), which OAI-PMH 2.0 does not allow")
    if from_ > until:  # ISO 8601 of one granularity: text order is time order
        return f"{from_name} {from_} is after --until {until}: no record can match"
    return None


def check_range(from_: str | None, until: str | None, from_name: str = "--from") -> None:
    """:func:`range_problem` as an InputError (exit code 2)."""
    problem = range_problem(from_, until, from_name)
    if problem:
        hint = RANGE_HINT if from_name == "--from" else \
            "give --from (or --full, to ignore the saved state) with this --until"
        raise InputError(problem, hint=hint)


DATE_HINT = "use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)"
RANGE_HINT = "give --from no later than --until, both as YYYY-MM-DD or both as " \
             "YYYY-MM-DDThh:mm:ssZ"
