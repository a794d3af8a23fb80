"""The columnar audit engine: the whole contract as queries over a table of events.

The logs are loaded into an embedded DuckDB database as one table of events (a
column per fact of ``events.yaml``, times as microseconds since the epoch); each
obligation kind compiles, from its YAML, into SQL (``Kind.query``): first starts
and stops per case, budgets as joins to small tables of the rules (levels, bands,
terms by date of effect), pauses and outages as unions of intervals, the
working-day clocks through a table of days built from ``calendar.yaml``, the
periodic duties grouped by period. No number of the contract is written in the
SQL: every one comes from the rules' tables.

The Python engine (:mod:`slarules.engine`) stays the reference: ``explain``,
``due``, ``test`` and single-case calls use it, and a law (tests/test_columnar.py)
says both engines give the same results on random logs.

Modules: :mod:`.sql` (building blocks of the queries, shared by the kinds),
:mod:`.tables` (the rules as small tables), :mod:`.load` (logs into the events
table), :mod:`.run` (the audit: views, queries, results).
"""
