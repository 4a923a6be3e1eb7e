"""A build killed with SIGKILL at any moment leaves the previous output whole and readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from rdflib import Dataset

from kg.build import TRIG_NAME, TURTLE_NAME


def test_sigkill_mid_build_leaves_previous_output_readable(built, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in (TRIG_NAME, TURTLE_NAME):
        (out / name).write_bytes((built.trig.parent / name).read_bytes())
    before = {name: (out / name).read_bytes() for name in (TRIG_NAME, TURTLE_NAME)}
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Kill at growing delays so some runs die while loading, some while checking, some while writing.
    for delay in (0.3, 0.8, 1.3, 1.8, 2.4, 3.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "build", "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        for name in (TRIG_NAME, TURTLE_NAME):
            content = (out / name).read_bytes()
            # Either the previous output or a complete new one (the build is deterministic, so equal).
            assert content == before[name], f"{name} changed after a build killed at {delay}s"
        leftovers = [p.name for p in out.iterdir() if p.name not in before]
        for name in leftovers:  # a killed writer may leave its private temporary file, never a half file in place
            assert name.startswith("."), leftovers
    dataset = Dataset()
    dataset.parse(out / TRIG_NAME, format="trig")
    assert sum(1 for _ in dataset.quads((None, None, None, None))) > 1000
