"""The ecosystem's tooling looks for setup.py; the project's metadata lives in pyproject.toml alone."""

from setuptools import setup

setup()
