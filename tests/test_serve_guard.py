"""Property tests of kg.guard against the engine itself.

Queries are assembled from fragments that confuse lexers (quotes, \\u escapes,
comments, escaped '#', keywords glued to numbers, booleans and names). Whatever
the guard lets through is then run on a real Oxigraph store next to a stand-in
host: if that host is ever contacted, the guard missed a SERVICE.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.guard import Refused, inspect_query, inspect_update
from tests.test_serve import Trap


@pytest.fixture(scope="module")
def trap():
    other = Trap()
    yield other
    other.close()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    for o in (
        ox.Literal("1", datatype=integer),
        ox.Literal("true", datatype=boolean),
        ox.Literal("z"),
        ox.NamedNode("http://e/a#b"),
    ):
        store.add(ox.Quad(s, p, o))
    return store


def fragments(url: str) -> list[str]:
    return [
        "SERVICE",
        "service",
        "SeRvIcE",
        "SILENT",
        "SERVICE:sparql",
        "1SERVICE",
        "trueSERVICE",
        "?x.SERVICE",
        f"<{url}/sparql>",
        "{ ?a ?b ?c }",
        "{",
        "}",
        "(",
        ")",
        '"',
        "'",
        '"""',
        "'''",
        "\\u0022",
        "\\u0027",
        "\\U00000022",
        "#",
        "\n",
        ".",
        ";",
        "ex:a\\#b",
        "ex:a",
        "FILTER(",
        "?o != ",
        "EXISTS",
        "OPTIONAL",
        "<",
        ">",
        "1",
        "true",
        "?x",
        ":",
        "ex:",
        "\\",
        "a",
        "?s ?p ?o",
        "BIND(",
        " AS ?v)",
        "\\u0053ERVICE",
    ]


def _runs_without_calling_out(store, trap, query: str) -> None:
    before = len(trap.hits)
    try:
        for _ in zip(range(50), store.query(query, use_default_graph_as_union=True), strict=False):
            pass
    except (SyntaxError, OSError, RuntimeError):
        pass
    assert len(trap.hits) == before, f"the guard let through a query that called out:\n{query}"


def structured(url: str):
    """Mostly valid queries: [confuser] subject predicate object, glued to a SERVICE call in many spellings."""
    confuser = st.sampled_from(
        [
            "",
            "# a comment\n",
            'FILTER(?o != "}")',
            'FILTER(?o != "a\\u0022 && ?o != " )',
            "FILTER(?o != '\\u0027')",
            'BIND("""x""" AS ?q)',
            "OPTIONAL { ?s ?p ?w }",
        ]
    )
    obj = st.sampled_from(["?o", "1", "true", "?x.", '"z"', "ex:a\\#b", "<http://e/a#b>", "?o ."])
    glue = st.sampled_from(["", " ", "\n", " # c\n", "\t"])
    keyword = st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SERVICE\nSILENT"])
    target = st.sampled_from([f"<{url}/sparql>", ":sparql", f"<{url}/x>"])
    tail = st.sampled_from(["", 'FILTER(?o != "|| ?o = \\u0022" )', "# end"])
    return st.tuples(confuser, obj, glue, keyword, glue, target, glue, tail).map(
        lambda t: f"{t[0]} ?s ?p {t[1]}{t[2]}{t[3]}{t[4]}{t[5]}{t[6]}{{ ?a ?b ?c }} {t[7]}"
    )


def free(url: str):
    """Anything at all from the fragments: mostly invalid, now and then a surprise."""
    pieces = st.lists(
        st.tuples(st.sampled_from(["", " ", "\n"]), st.sampled_from(fragments(url))), min_size=1, max_size=14
    )
    return pieces.map(lambda parts: "?s ?p ?o " + "".join(sep + piece for sep, piece in parts))


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_whatever_the_guard_lets_through_never_calls_out(store, trap, data):
    body = data.draw(st.one_of(structured(trap.url), free(trap.url)))
    query = f"PREFIX ex: <http://e/> PREFIX : <{trap.url}/> SELECT * WHERE {{ {body} }}"
    try:
        inspect_query(query)
    except Refused:
        return
    _runs_without_calling_out(store, trap, query)


def test_the_fragments_do_reach_the_stand_in_host_when_unguarded(store, trap):
    # the property above means something only if such queries do call out when nothing stops them
    query = f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p trueSERVICE <{trap.url}/sparql> {{ ?a ?b ?c }} }}"
    before = len(trap.hits)
    with pytest.raises(OSError):
        list(store.query(query, use_default_graph_as_union=True))
    assert len(trap.hits) > before


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_either_scanned_or_refused_never_a_crash(text):
    for inspect in (inspect_query, inspect_update):
        try:
            shape = inspect(text)
        except Refused:
            continue
        assert isinstance(shape.form, str)
