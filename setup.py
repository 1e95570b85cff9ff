"""Build hook (the project's metadata is in pyproject.toml): ship plugin.spec.yaml in the package.

The ecosystem's tooling also looks for a setup.py, so the hook lives here rather than in a backend.

The framework reads the full spec, for the HTTP routes that publish it, from plugin.spec.yaml inside
the installed package (``actionkit.specfile``); in a checkout it stays where it is, at the root.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGE = "icon_pagerduty"
SPEC = "plugin.spec.yaml"


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, PACKAGE)
        self.mkpath(str(target))
        self.copy_file(SPEC, str(target / SPEC))


setup(cmdclass={"build_py": BuildPy})
