"""Real servers on loopback for the endpoint tests: ``kg serve`` and Oxigraph server, started and stopped here."""

from __future__ import annotations

import contextlib
import re
import select
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "kg" / "examples" / "query-graph.trig"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
_ANNOUNCED = re.compile(r"SPARQL endpoint (http://\S+/sparql)")


@dataclass
class Running:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def origin(self) -> str:
        return self.url.rsplit("/", 1)[0]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(15)


@contextlib.contextmanager
def kg_serve(tmp: Path, *args: str, data: Path | None = FIXTURE):
    """``kg serve`` on a free loopback port, as a user starts it; yields its URL once it listens."""
    log = tmp / f"kg-serve-{time.monotonic_ns()}.log"
    command = [sys.executable, "-m", "kg", "serve", "--port", "0", *(("--data", str(data)) if data else ()), *args]
    with open(log, "wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        line = b""
        while time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([process.stdout], [], [], 0.5)
            if ready:
                line = process.stdout.readline()
                break
        found = _ANNOUNCED.search(line.decode())
        if not found:
            raise RuntimeError(f"kg serve did not start: {line!r}\n{log.read_text(errors='replace')}")
        yield Running(found.group(1), process, log)
    finally:
        _stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(process: subprocess.Popen, url: str, seconds: float) -> bool:
    """Whether a server started as ``process`` answers ``url`` within ``seconds`` (False once it has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


@contextlib.contextmanager
def oxigraph_server(location: Path):
    """A real Oxigraph server (the ``oxigraph`` package's CLI) on a free loopback port; yields its base URL."""
    log = location.parent / f"{location.name}.log"
    for _ in range(5):  # the free port may be taken between probe and bind
        port = free_port()
        with open(log, "wb") as err:
            process = subprocess.Popen(
                [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                stdout=err,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )
        base = f"http://127.0.0.1:{port}"
        if _answers(process, base + "/query?query=ASK%7B%7D", seconds=30):
            try:
                yield base
            finally:
                _stop(process)
            return
    raise RuntimeError(f"oxigraph serve did not start: {log.read_text(errors='replace')}")


VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@contextlib.contextmanager
def virtuoso_server(directory: Path, max_rows: int = 10_000_000):
    """Virtuoso Open Source (Debian's ``virtuoso-opensource``) with a throw-away database in ``directory``
    and free loopback ports, configured as it comes otherwise (user ``dba``, password ``dba``) but for the
    row limit of an answer, ``max_rows``; yields its base URL and stops it by its process id."""
    directory.mkdir(parents=True, exist_ok=True)
    for _ in range(5):  # a free port may be taken between probe and bind
        sql_port, http_port = free_port(), free_port()
        ini = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db/", f"{directory}/")
        ini = re.sub(r"(\[Parameters\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>127.0.0.1:{sql_port}", ini)
        ini = re.sub(r"(\[HTTPServer\][^\[]*?ServerPort\s*=\s*)\d+", rf"\g<1>127.0.0.1:{http_port}", ini)
        # out of the box an answer is cut at 10,000 rows without a word; the comparisons need whole answers
        ini = re.sub(r"(?m)^(ResultSetMaxRows\s*=\s*)\d+", rf"\g<1>{max_rows}", ini)
        (directory / "virtuoso.ini").write_text(ini)
        log = directory / "virtuoso.out"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(directory / "virtuoso.ini"), "+foreground"],
                cwd=directory,
                stdout=out,
                stderr=out,
                stdin=subprocess.DEVNULL,
            )
        base = f"http://127.0.0.1:{http_port}"
        if _answers(process, base + "/sparql?query=ASK%7B%7D", seconds=120):
            try:
                yield base
            finally:
                _stop(process)
            return
    raise RuntimeError(f"virtuoso-t did not start: {log.read_text(errors='replace')[-2000:]}")
