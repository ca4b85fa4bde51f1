"""The examples in the engine's docstrings run and give what they show (doctest)."""

import doctest
import importlib
import pkgutil

import pytest

import gdsim.engine

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(gdsim.engine.__path__, prefix="gdsim.engine.")
) + ["gdsim.errors", "gdsim.expression"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_the_engine_has_examples():
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 8
