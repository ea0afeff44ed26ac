"""Packages list only: setup.cfg holds everything else.

setup.cfg's `find:` cannot name packages that exist only through `package_dir` (the top-level
templates/, static/ and content_standards/ folders installed as portal._templates and so on).
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["portal", "portal.*"]),
        "portal._templates",
        "portal._static",
        "portal._standards",
    ],
)
