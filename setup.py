"""Only the package list lives here; everything else is in pyproject.toml.

Why a setup.py at all: ``resources/`` stays at the top of the repository but must ship
inside the package as ``minimax_studio.resources`` (issue #14). pyproject.toml can map a
directory onto a package name (``package-dir``) but cannot combine that with automatic
package discovery, and a hand-written list of every ``minimax_studio.*`` subpackage would
silently drop the next one someone adds.
"""

from pathlib import Path

from setuptools import find_packages, setup

# Each folder of resources/ (sandbox, icons, …) is a data-only package of its own:
# setuptools wants every importable folder listed, and ships all of its files.
RESOURCE_DIRS = sorted(d.name for d in (Path(__file__).parent / "resources").iterdir()
                       if d.is_dir() and not d.name.startswith(("_", ".")))
RESOURCE_PACKAGES = ["minimax_studio.resources",
                     *(f"minimax_studio.resources.{name}" for name in RESOURCE_DIRS)]

setup(
    packages=[*find_packages(include=["minimax_studio", "minimax_studio.*"]),
              *RESOURCE_PACKAGES],
    package_dir={"minimax_studio.resources": "resources"},
    package_data={"minimax_studio": ["py.typed"], **{name: ["*"] for name in RESOURCE_PACKAGES}},
)
