"""Where ``ldpub serve`` logs: its own lines and the server's on standard error in one
layout (gunicorn's: time, process, level), the access log alone on standard output.

Apart from :mod:`ld.web.serve` (which starts the servers) because both servers and
every worker process set it up: the master, gunicorn's forked workers (inheriting
it), Granian's spawned ones (each anew, from :func:`granian_logging`).
"""

from __future__ import annotations

import logging
from typing import Any

from ld.config import Settings

# gunicorn's layout of its own lines, which ldpub's follow (a logger name is added)
LINE_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
# The error that ends a SPARQL answer cut at its time limit (ld.web.sparql), which is
# logged there in one WARNING line: a broken pipe, which gunicorn closes quietly.
ANSWER_CUT = "the SPARQL answer was cut"


class QuietCut(logging.Filter):
    """Drops Granian's "[ERROR] Application callable raised an exception" and its
    traceback for a SPARQL answer cut at its time limit.

    Granian logs every error raised from a response body so, even the broken
    pipe that closes a cut answer: an expected, documented outcome, any client
    can cause, already logged in one WARNING line naming the limit and the client.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return ANSWER_CUT not in record.getMessage()


def configure_logging(settings: Settings) -> None:
    """ldpub's own log lines on standard error, at ``LDPUB_LOG_LEVEL``, as the servers
    write theirs (time, process, level).

    Without it they went to Python's last-resort handler: warnings only, with
    no time or process, whatever the setting (a search index built, or not,
    said nothing). A host application that configured the "ldpub" logger
    itself keeps its handlers.
    """
    logger = logging.getLogger("ldpub")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(
            LINE_FORMAT.replace("%(message)s", "%(name)s: %(message)s"), DATE_FORMAT))
        logger.addHandler(handler)
        logger.propagate = False  # once, even where a server configured the root logger
    logger.setLevel(settings.log_level)


def granian_logging() -> dict[str, Any]:
    """Granian's logging: its own lines on standard error in ldpub's layout, the
    access log alone on standard output, as under gunicorn (README, "Deployment").

    Granian's default sent both to standard output, its own lines untimestamped
    ("[ERROR] Unexpected exit from worker-1" among the requests). Granian replaces
    its defaults' top-level keys with these, in the master and in each worker.
    """
    def stream(name: str, formatter: str) -> dict[str, str]:
        return {"class": "logging.StreamHandler", "formatter": formatter,
                "stream": f"ext://sys.{name}"}

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"ldpub": {"format": LINE_FORMAT, "datefmt": DATE_FORMAT},
                       "access": {"format": "%(message)s"}},  # its own format has the time
        "filters": {"cut": {"()": f"{__name__}.QuietCut"}},
        "handlers": {"console": {**stream("stderr", "ldpub"), "filters": ["cut"]},
                     "access": stream("stdout", "access")},
        "loggers": {"_granian": {"handlers": ["console"], "propagate": False},
                    "granian.access": {"handlers": ["access"], "level": "INFO",
                                       "propagate": False}},
    }
