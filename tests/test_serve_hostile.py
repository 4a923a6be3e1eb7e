"""Hostile HTTP requests against ``kg serve``: each gets a 4xx (or a 2xx), never a 5xx, and no traceback.

Raw bytes on a socket, as a scanner or an attacker sends them: broken request
lines and headers, lengths that lie, smuggling attempts, encodings that are not
UTF-8, paths that climb, graph names that are not IRIs, queries nested or sized
to break a parser. After all of them the server answers a plain query, and its
log holds no traceback.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.servers import kg_serve
from tests.test_serve import raw


def q(query: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def get(target: str, *headers: str) -> bytes:
    return ("\r\n".join((f"GET {target} HTTP/1.1", "Host: x", *headers)) + "\r\n\r\n").encode()


def post(body: bytes, *headers: str, content_type: str = "application/sparql-query") -> bytes:
    head = "\r\n".join(("POST /sparql HTTP/1.1", "Host: x", f"Content-Type: {content_type}", *headers))
    return head.encode() + b"\r\n\r\n" + body


def sized(body: bytes, content_type: str = "application/sparql-query") -> bytes:
    return post(body, f"Content-Length: {len(body)}", content_type=content_type)


ASK = "ASK { ?s ?p ?o }"
CASES: dict[str, bytes] = {
    # the request line and the protocol
    "binary garbage": bytes(range(256)),
    "a TLS ClientHello": bytes.fromhex("16030100a5010000a10303") + b"\x00" * 64,
    "HTTP/9.9": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "no version": b"GET /sparql\r\n\r\n",
    "HTTP/1.0 without Host": b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n",
    "an absolute-form target": get("http://evil.example/sparql?query=ASK%7B%7D"),
    "a 100 KB URL": get(q("ASK {" + " " * 100_000 + "}")),
    "a 100 KB header": get(q(ASK), "X-Big: " + "a" * 100_000),
    "a thousand headers": get(q(ASK), *(f"X-{n}: {n}" for n in range(1000))),
    "a space in a header name": get(q(ASK), "Bad Header: x"),
    "a NUL in a header value": get(q(ASK)).replace(b"Host: x", b"Host: x\x00y"),
    "a latin-1 header value": get(q(ASK)).replace(b"Host: x", b"Host: x\xe9"),
    "a websocket upgrade": get("/sparql", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13"),
    # methods and paths
    "DELETE": b"DELETE /sparql HTTP/1.1\r\nHost: x\r\n\r\n",
    "PUT with a body": b"PUT /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
    "TRACE": b"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n",
    "CONNECT": b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
    "an unknown method": b"BREW /sparql HTTP/1.1\r\nHost: x\r\n\r\n",
    "a climbing path": get("/../../etc/passwd"),
    "an encoded climbing path": get("/yasgui/..%2f..%2fserve.py"),
    "a double slash": get("//etc/passwd"),
    "a NUL in the path": get("/query%00.html"),
    "a query string that is not UTF-8": b"GET /sparql?query=ASK%7B%7D\xff HTTP/1.1\r\nHost: x\r\n\r\n",
    "a percent escape that is not UTF-8": get("/sparql?query=%FF%FE"),
    "a lone surrogate": get("/sparql?query=ASK%7B%22%ED%A0%80%22%7D"),
    "a broken percent escape": get("/sparql?query=%ZZ"),
    # lengths and bodies
    "Content-Length: superscript two": post(b"ASK {}", "Content-Length: \u00b2".encode().decode("latin-1")),
    "Content-Length: Arabic-Indic three": post(b"ASK {}", "Content-Length: \u0663".encode().decode("latin-1")),
    "Content-Length: -1": post(b"ASK {}", "Content-Length: -1"),
    "Content-Length: 1e3": post(b"ASK {}", "Content-Length: 1e3"),
    "Content-Length: two values": post(b"ASK {}", "Content-Length: 6, 7"),
    "two Content-Length headers": post(b"ASK {}", "Content-Length: 6", "Content-Length: 2"),
    "Content-Length: 2**70": post(b"ASK {}", f"Content-Length: {2**70}"),
    "no Content-Length": post(b"ASK {}"),
    "Content-Length and chunked (smuggling)": post(
        b"0\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", "Content-Length: 5", "Transfer-Encoding: chunked"
    ),
    "a chunk size that is no number": post(b"zz\r\nASK {}\r\n0\r\n\r\n", "Transfer-Encoding: chunked"),
    "chunked, identity": post(b"6\r\nASK {}\r\n0\r\n\r\n", "Transfer-Encoding: chunked, identity"),
    "a chunked body over the limit": post(
        b"".join(b"%x\r\n%s\r\n" % (1 << 16, b"a" * (1 << 16)) for _ in range(20)) + b"0\r\n\r\n",
        "Transfer-Encoding: chunked",
    ),
    "a body that is not UTF-8": sized("ASK { ?s ?p 'é' }".encode("latin-1")),
    "a form that is not UTF-8": sized(b"query=ASK%7B%7D%FF", content_type="application/x-www-form-urlencoded"),
    "an unknown content type": sized(b"<xml/>", content_type="application/xml"),
    "no content type": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nASK {}",
    "Expect: 100-continue with no body": post(b"", "Content-Length: 1000", "Expect: 100-continue"),
    # graph names, queries and updates
    "FROM a relative IRI": get(q("SELECT * FROM <secret.ttl> WHERE { ?s ?p ?o }")),
    "FROM <>": get(q("SELECT * FROM <> WHERE { ?s ?p ?o }")),
    "FROM a local file": get(q("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")),
    "FROM a broken IPv6 host": get(q("SELECT * FROM <http://[::1/x> WHERE { ?s ?p ?o }")),
    "BASE that is broken": get(q("BASE <http://[x> SELECT * FROM <y> WHERE { ?s ?p ?o }")),
    "default-graph-uri that is no IRI": get(q(ASK, **{"default-graph-uri": "not an iri"})),
    "named-graph-uri empty": get(q(ASK, **{"named-graph-uri": ""})),
    "named-graph-uri javascript:": get(q(ASK, **{"named-graph-uri": "javascript:alert(1)"})),
    "a parameter given a thousand times": get("/sparql?" + "format=json&" * 1000 + "query=ASK%7B%7D"),
    "an Accept header of junk": get(q(ASK), "Accept: ;;;q=abc,,*/*;q=-1, text/csv;q=NaN"),
    "5,000 nested brackets": get(q("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }")),
    "a 100 KB string": get(q("ASK { FILTER(STRLEN('" + "a" * 100_000 + "') > 0) }")),
    "an update by GET": get("/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"})),
    "an update on the read-only server": sized(b"CLEAR ALL", content_type="application/sparql-update"),
    "a query and an update": sized(
        b"query=ASK%7B%7D&update=CLEAR%20ALL", content_type="application/x-www-form-urlencoded"
    ),
    "a SERVICE in escapes": get(q("SELECT * WHERE { \\u0053ERVICE <http://evil.example/> { ?s ?p ?o } }")),
    "pipelined requests": get(q(ASK)) * 50,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with kg_serve(tmp_path_factory.mktemp("hostile"), "--timeout", "5") as running:
        yield running


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_request_gets_an_answer_below_500(server, name):
    answer = raw(server, CASES[name])
    statuses = [int(code) for code in re.findall(rb"(?m)^HTTP/1\.[01] (\d{3}) ", answer)]
    assert statuses, (name, answer[:300])
    assert all(status < 500 for status in statuses), (name, answer[:300])


def test_after_the_corpus_the_server_answers_and_logged_no_traceback(server):
    for name in CASES:
        raw(server, CASES[name])
    answer = raw(server, get(q(ASK), "Accept: text/csv"))
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"true"), answer[:300]
    log = server.log_text()
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]
