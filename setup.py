"""The one packaging step pyproject.toml cannot state: the top-level assets/ folder (the pages' stylesheets and
scripts) installed inside the dashboard package, as dashboard/assets, so that a wheel serves styled pages. The
rest of the project's metadata is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["etl", "etl.*", "dashboard", "dashboard.*"],
                                       exclude=["*.__pycache__"]),
              "dashboard.assets", "dashboard.assets.vendor"],
    package_dir={"dashboard.assets": "assets"},
)
