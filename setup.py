"""Package discovery: every package under bactivate/, and the template notebooks.

Everything else is in pyproject.toml. The template notebooks live in notebooks/ (where
people open them) and ship inside the package as ``bactivate.notebooks``: a folder mapped
into the package, which pyproject.toml cannot combine with package discovery. Discovery,
not a hand list, so that a new subpackage is never left out of the wheel.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["bactivate", "bactivate.*"],
                                       exclude=["*.__pycache__"]),
              "bactivate.notebooks"],
    package_dir={"bactivate.notebooks": "notebooks"},
)
