"""The ``derelayl`` command line and the files it writes.

This is the thin layer above :mod:`derelayl_econ` and :mod:`derelayl_train`:
it parses options, calls one function, writes outputs (atomically) and
prints. Everything it does is reachable from Python through
:mod:`derelayl.runs`.
"""
