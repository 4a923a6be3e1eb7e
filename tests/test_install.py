"""A non-editable install (`pip install .`) in a fresh virtual environment: it finds its data or says where to
point it, and answers a query; a build older than data/ is named in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import time
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _copy_project(target: Path, parts: tuple[str, ...]) -> None:
    """The tracked files of ``parts`` (so no build output or caches come along)."""
    listed = subprocess.run(["git", "ls-files", *parts], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.splitlines():
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with battery-kg installed from a copy of the source, not editable.

    The dependencies come from the test environment's site-packages (a path entry, no network), the
    project itself is built (in pip's isolated build environment) and installed by pip as a user would.
    """
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    _copy_project(source, ("kg", "pyproject.toml", "README.md"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "kg-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(source)  # the installed package must not lean on its source tree
    return env_dir


def run(env_dir: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "KG_DATA"} | env
    return subprocess.run(
        [str(env_dir / "bin" / "kg"), *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=600
    )


def test_the_installed_package_is_not_the_source_tree(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import kg, kg.catalogue; print(kg.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(installed) in where and str(ROOT) not in where


def test_without_data_it_says_where_to_point_it(installed, tmp_path):
    answer = run(installed, "query", "ultimate-parent", "-p", "company=Sanyo", cwd=tmp_path)
    assert answer.returncode == 1 and "Traceback" not in answer.stderr
    assert answer.stderr.strip().splitlines()[-1] == (
        f"kg: error: no data folder at {tmp_path / 'data'}: run kg in a clone of battery-kg, or set KG_DATA to "
        "the clone's data folder (kg build --data also takes one)"
    )
    python = installed / "bin" / "python"
    api = subprocess.run([str(python), "-c", "import kg; kg.load()"], cwd=tmp_path, capture_output=True, text=True)
    assert api.returncode == 1 and "KgError: no data folder at" in api.stderr.strip().splitlines()[-1]


def test_with_kg_data_it_builds_and_answers_and_names_a_stale_build(installed, tmp_path):
    clone = tmp_path / "clone"
    _copy_project(clone, ("data", "ontology"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = str(clone / "data")
    answer = run(
        installed, "query", "ultimate-parent", "-p", "company=Sanyo", "-p", "year=2012", cwd=elsewhere, KG_DATA=data
    )
    assert answer.returncode == 0, answer.stderr
    assert "Panasonic Holdings Corporation" in answer.stdout
    assert (clone / "build" / "battery-kg.trig").is_file()  # built beside the data it came from
    # an edit after the build: the answer still comes, with one line saying the build is older
    later = time.time() + 5
    os.utime(clone / "data" / "chemistries.yaml", (later, later))
    again = run(installed, "query", "ultimate-parent", "-p", "company=Sanyo", cwd=elsewhere, KG_DATA=data)
    assert again.returncode == 0 and "Panasonic Holdings Corporation" in again.stdout
    assert again.stderr.splitlines() == [
        f"kg query: warning: {clone / 'build' / 'battery-kg.trig'} is older than {clone / 'data' / 'chemistries.yaml'}: "
        "answers leave out those changes until `kg build`"
    ]
