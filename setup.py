"""Packaging beyond what pyproject.toml can say: the migrations and the demo story ship inside
the wheel while ``db/`` and ``seeds/demo/`` stay at the top of the repository.

``db/`` is installed as the package ``tracker._migrations`` and ``seeds/demo/`` as
``tracker._demo``; :mod:`tracker.store.database` and :mod:`tracker.demo` look there first
and fall back to the checkout's folders.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["tracker", "tracker.*"]),
        "tracker._migrations",
        "tracker._migrations.versions",
        "tracker._demo",
    ],
    package_dir={
        "tracker._migrations": "db",
        "tracker._migrations.versions": "db/versions",
        "tracker._demo": "seeds/demo",
    },
    package_data={
        "": ["*.toml", "py.typed"],
        "tracker._migrations": ["script.py.mako"],
        "tracker._demo": ["*.txt"],
    },
    include_package_data=False,
)
