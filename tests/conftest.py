"""Shared fixtures: the real reference data, and the real graph built from it once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import DATA_DIR, BuildReport, build
from kg.loader import load_reference
from kg.records import ReferenceData
from kg.store import Store, open_store


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """data/ as records, validated."""
    return load_reference(DATA_DIR)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildReport:
    """The full build (reference data and every registered source) written to a temporary folder."""
    return build(out_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built_trig(built) -> Path:
    return built.trig


@pytest.fixture(scope="session", params=["oxigraph", "memory"])
def store(request, built_trig) -> Store:
    """The built graph in each embedded store."""
    opened = open_store(request.param)
    opened.load_file(built_trig)
    return opened


@pytest.fixture(scope="module")
def embedded() -> Store:
    """The made-up fixture graph of the query and server tests, in embedded Oxigraph."""
    from tests.servers import FIXTURE

    opened = open_store("oxigraph")
    opened.load_file(FIXTURE)
    return opened


# What `pytest -m "not slow"` leaves out (CONTRIBUTING.md): each of these takes tens of seconds or more
# (loads and floods of the endpoint, a browser, Virtuoso, builds killed and rerun, the benchmarks).
SLOW_MODULES = frozenset(
    {
        "test_bench_smoke",
        "test_build_killed",
        "test_serve_abuse",
        "test_serve_page",
        "test_virtuoso",
        "test_viz_browser",
    }
)
SLOW_TESTS = frozenset({"test_serve.py::test_fifty_concurrent_clients_for_thirty_seconds_with_zero_errors"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        if module in SLOW_MODULES or any(item.nodeid.startswith(f"tests/{name}") for name in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
