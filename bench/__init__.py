"""Benchmarks of battery-kg: how fast and how big, measured side by side against baselines.

``python -m bench`` runs them all and prints one table (``--quick`` for small sizes);
results go to ``build/bench/`` as JSON. See ``bench/README.md`` for a full run.

* ``bench.synthetic``: industry-shaped datasets of about 10k, 100k and 1M triples;
* ``bench.cases``: the named-query cases with parameters picked from the data;
* ``bench.measure``: each measurement in a fresh process (time and peak memory);
* ``bench.report``: the tables, and where the figures stand against the targets of issue 7;
* ``bench.viz``: browser time-to-ready of the network page.
"""
