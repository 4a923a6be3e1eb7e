"""Fetch a report from an http(s) URL with a time limit, a size limit and a content-type check.

>>> fetch("ftp://example.org/report.pdf")
Traceback (most recent call last):
...
kg.errors.IngestError: ftp://example.org/report.pdf: only http and https URLs can be ingested
"""

from __future__ import annotations

import datetime
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from ..errors import IngestError
from .document import MAX_BYTES

__all__ = ["CONTENT_TYPES", "FETCH_MAX_BYTES", "FETCH_TIMEOUT", "Fetched", "fetch", "is_url"]

FETCH_TIMEOUT = 30.0  # seconds for the whole download, connection included
FETCH_MAX_BYTES = min(MAX_BYTES, 32 * 1024 * 1024)
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "application/pdf": ".pdf",
}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A downloaded report: its bytes, the URL it came from (after redirects), its type and retrieval date."""

    url: str
    final_url: str
    content: bytes
    content_type: str
    suffix: str  # the file suffix its content type stands for: .html, .txt, .md, .pdf
    retrieved: datetime.date


def is_url(text: str) -> bool:
    """Whether a command-line argument is a URL rather than a file path.

    >>> is_url("https://example.org/r.html"), is_url("reports/r.html")
    (True, False)
    """
    return text.lower().startswith(("http://", "https://", "ftp://", "file://"))


def fetch(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = FETCH_MAX_BYTES) -> Fetched:
    """Download ``url``; ``IngestError`` (one line naming the URL) for anything that is not a report within limits."""
    if not url.lower().startswith(("http://", "https://")):
        raise IngestError(f"{url}: only http and https URLs can be ingested")
    from .metadata import valid_url

    if not valid_url(url):
        raise IngestError(f"{url[:200]}: not a valid http(s) URL")
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"User-Agent": "battery-kg ingest", "Accept": ", ".join(CONTENT_TYPES)}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers: Message = response.headers
            content_type = (headers.get_content_type() or "").lower()
            if content_type not in CONTENT_TYPES:
                raise IngestError(
                    f"{url}: content type {content_type or 'unknown'} is not a report "
                    f"(expected one of {', '.join(sorted(set(CONTENT_TYPES)))})"
                )
            length = headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise IngestError(f"{url}: {int(length):,} bytes, more than the {max_bytes:,} a report may have")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise IngestError(f"{url}: the download took longer than {timeout:g} s")
                chunk = response.read1(_CHUNK)  # what has arrived: a server dripping bytes meets the deadline
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise IngestError(f"{url}: more than the {max_bytes:,} bytes a report may have")
                chunks.append(chunk)
            final_url = response.geturl()
    except IngestError:
        raise
    except urllib.error.HTTPError as error:
        raise IngestError(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason if not isinstance(error.reason, socket.timeout) else f"no answer within {timeout:g} s"
        raise IngestError(f"{url}: cannot be fetched ({reason})") from None
    except TimeoutError:
        raise IngestError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as error:
        raise IngestError(f"{url}: cannot be fetched ({error})") from None
    content = b"".join(chunks)
    return Fetched(url, final_url, content, content_type, CONTENT_TYPES[content_type], datetime.date.today())
