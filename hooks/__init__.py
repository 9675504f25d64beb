"""The template's hooks, a package so that the tests, the docs, the benchmarks and the organiser
import them by name (``from hooks import pre_gen_project``) with the template checkout on
``sys.path``.

cookiecutter runs only ``pre_gen_project.py`` and ``post_gen_project.py``, each rendered into a
temporary file of its own, and ignores this file and ``manifest.py`` (the maintainers' listing of
what each combination of answers brings); both hooks stay valid Python before rendering, and
importing one does not run its ``main()``.
"""
