"""The template's tests. A package, so that ``tests.support`` is imported by name from the template
checkout (setup.cfg's ``pythonpath = .``; the benchmarks put the checkout first on ``sys.path``),
ahead of any other top-level ``tests`` an installed distribution may ship."""
