"""Indonesia's administrative areas with their official codes (Kepmendagri 2025, `kg/lexicons/wilayah/`).

Every province, regency (kabupaten) and city (kota) becomes a place of the gazetteer, recognised
anywhere. Districts (kecamatan) and villages (desa/kelurahan) are in the file but not yet recognised:
thousands of village names repeat, so they need the context of a named regency. The code is the one
Wikidata keeps as P2588, and a code's prefix is its parent (`33` ⊃ `33.23` ⊃ `33.23.03`).

Keys: a province or city by its name (`place/jawa-barat`, `place/surakarta`), a regency by its name
unless a city shares it (`place/kabupaten-bogor` beside `place/bogor`).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from kg.graph.iri import slugify
from kg.reference.place import Place

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"

WILAYAH_CSV = LEXICON_DIR / "wilayah" / "wilayah-kepmendagri-2025.csv"
SOURCE = "Kepmendagri No. 300.2.2-2138 Tahun 2025, kode wilayah (compiled by cahyadsn/wilayah, MIT)"
_PREFIX = re.compile(r"^(?:Kabupaten|Kota Administrasi|Kota Adm\.|Kota) ")


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, str, str], ...]:
    with WILAYAH_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple((r["kode"], r["nama"].strip(), r["level"]) for r in csv.DictReader(handle))


@lru_cache(maxsize=1)
def regions() -> tuple[Place, ...]:
    """The 38 provinces and 514 regencies and cities as gazetteer places, keyed as described above."""
    rows = [r for r in _rows() if r[2] in ("provinsi", "kabupaten/kota")]
    provinces = {code: name for code, name, level in rows if level == "provinsi"}
    city_names = {_PREFIX.sub("", name) for _, name, level in rows if level != "provinsi" and name.startswith("Kota")}
    short_count: dict[str, int] = defaultdict(int)
    for _, name, level in rows:
        if level != "provinsi":
            short_count[_PREFIX.sub("", name)] += 1
    places: list[Place] = []
    for code, name, level in rows:
        if level == "provinsi":
            aliases = (f"Provinsi {name}", f"Propinsi {name}", f"Prov. {name}")
            places.append(Place(slugify(name), name, "", "Province", "indonesia", aliases, "", "", SOURCE, code))
            continue
        short = _PREFIX.sub("", name)
        province_key = slugify(provinces[code.split(".")[0]])
        if name.startswith("Kota"):
            key, kind = slugify(short), "City"
            aliases = (f"Kota {short}", *((short,) if short not in provinces.values() else ()))
        else:
            kind = "Regency"
            key = f"kabupaten-{slugify(short)}" if short in city_names else slugify(short)
            aliases = (f"Kabupaten {short}", f"Kab. {short}", f"Kab {short}",
                       *((short,) if short not in city_names and short not in provinces.values() else ()))
        if short_count[short] > 1 and not (kind == "City" or short in city_names):
            key = f"{key}-{province_key}"  # two regencies of one name in different provinces
            aliases = tuple(a for a in aliases if a != short)
        places.append(Place(key, short, "", kind, province_key, aliases, "", "", SOURCE, code))
    return tuple(places)


@lru_cache(maxsize=1)
def area_names() -> frozenset[str]:
    """The casefolded name of every province, regency, city and district (kecamatan): enough to tell
    that a dateline's "CUGENANG" is a place where the gazetteer does not recognise it. Village names
    are left out: among 83,000 of them nearly any word is one ("Antara" is a village)."""
    return frozenset(name for name, codes in _codes_by_name().items() if any(c.count(".") < 3 for c in codes))


_STATUS = re.compile(r"^(?:Daerah Khusus Ibukota|Kabupaten Administrasi|Kabupaten|Kota Administrasi|Kota Adm\.|Kota) ")


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, tuple[str, ...]]:
    """Every area of every level by its name without the status word ("Kota", "Kabupaten", …)."""
    index: dict[str, list[str]] = defaultdict(list)
    for code, name, _ in _rows():
        index[_STATUS.sub("", name).casefold()].append(code)
    return {name: tuple(codes) for name, codes in index.items()}


def area_code(name: str, within: str) -> str | None:
    """The code of the area called `name` that is, or lies inside, the area coded `within`: the one
    at the highest level that has any ("Cibinong" in 32 is the kecamatan 32.01.01, not one of the
    villages of that name), or None when that level has none or several."""
    codes = [c for c in _codes_by_name().get(name.casefold(), ()) if c == within or c.startswith(within + ".")]
    if not codes:
        return None
    top = min(c.count(".") for c in codes)
    found = [c for c in codes if c.count(".") == top]
    return found[0] if len(found) == 1 else None


def areas_named(name: str, depth: int) -> tuple[str, ...]:
    """Codes of the areas called `name` at one depth of the code: 2 a kecamatan, 3 a desa or kelurahan."""
    return tuple(c for c in _codes_by_name().get(name.casefold(), ()) if c.count(".") == depth)


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, str]:
    return {code: _STATUS.sub("", name) for code, name, _ in _rows()}


def area_name(code: str) -> str:
    """The name of the area coded `code`, without its status word ("Cianjur" for 32.03)."""
    return _names_by_code().get(code, "")


def areas_within(code: str, depth: int) -> dict[str, str]:
    """Code → name of the areas at one depth inside the area coded `code`."""
    names = _names_by_code()
    return {c: names[c] for c in _children().get(code, ()) if c.count(".") == depth} if code.count(".") == depth - 1 \
        else {c: n for c, n in names.items() if c.startswith(code + ".") and c.count(".") == depth}


@lru_cache(maxsize=1)
def _children() -> dict[str, tuple[str, ...]]:
    """Code → the codes one level below it."""
    index: dict[str, list[str]] = defaultdict(list)
    for code, _, _ in _rows():
        if "." in code:
            index[code.rsplit(".", 1)[0]].append(code)
    return {parent: tuple(codes) for parent, codes in index.items()}
