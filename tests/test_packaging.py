"""The package configuration in pyproject.toml names every folder the app reads as a package and every
file in it as package data, so an install ships them all and setuptools has nothing to warn about
("Package 'kg.lexicons' is absent from the packages configuration")."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def declared_packages() -> set[str]:
    found = CONFIG["packages"]["find"]
    assert found.get("namespaces", True), "data folders are namespace packages"
    return set(find_namespace_packages(str(ROOT), include=found["include"], exclude=found["exclude"]))


def shipped_folders() -> set[Path]:
    """Every folder of kg/ and server/ holding files, except caches and the vendor refresh script's."""
    return {p.parent for top in ("kg", "server") for p in (ROOT / top).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.relative_to(ROOT).as_posix().startswith("server/vendor/")}


def test_every_folder_with_files_is_a_package() -> None:
    packages = declared_packages()
    missing = sorted(".".join(f.relative_to(ROOT).parts) for f in shipped_folders()
                     if ".".join(f.relative_to(ROOT).parts) not in packages)
    assert missing == []
    assert {"kg.lexicons", "kg.lexicons.wilayah", "server.templates", "server.static.vendor.yasgui"} <= packages
    assert "server.vendor" not in packages and not any(p.endswith("__pycache__") for p in packages)


def test_every_data_file_is_package_data() -> None:
    patterns: dict[str, list[str]] = CONFIG["package-data"]
    unshipped = []
    for folder in shipped_folders():
        package = ".".join(folder.relative_to(ROOT).parts)
        for path in folder.iterdir():
            if path.is_file() and path.suffix != ".py" and not any(
                    fnmatch.fnmatch(path.name, pattern) for pattern in patterns.get(package, [])):
                unshipped.append(path.relative_to(ROOT).as_posix())
    assert unshipped == []
    assert "kg.lexicons.wilayah" in patterns  # the Kemendagri codes ship with an installed package


def test_an_editable_install_is_a_plain_path_entry() -> None:
    """With the packages at the top of the repository mapped by package-dir, setuptools writes a path
    entry for `pip install -e .` instead of an import hook (and its warning)."""
    assert CONFIG["package-dir"] == {"": "."}
