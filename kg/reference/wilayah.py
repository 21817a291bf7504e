"""Indonesia's administrative areas with their official codes (Kepmendagri 2025, `kg/lexicons/wilayah/`).

Every province, regency (kabupaten) and city (kota) becomes a place of the gazetteer, recognised
anywhere; districts (kecamatan) and villages (desa/kelurahan) are only looked up by name when a text
names them as such ("Kecamatan Cugenang"), because thousands of village names repeat. The code is the
one Wikidata keeps as P2588, and a code's prefix is its parent (`33` ⊃ `33.23` ⊃ `33.23.03`).

Keys: a province or city by its name (`place/jawa-barat`, `place/surakarta`), a regency by its name
unless a city shares it (`place/kabupaten-bogor` beside `place/bogor`), a district by its name and its
regency's (`place/cugenang-cianjur`), a village by its name and its district's.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.graph.iri import slugify
from kg.reference.place import Place

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"

WILAYAH_CSV = LEXICON_DIR / "wilayah" / "wilayah-kepmendagri-2025.csv"
SOURCE = "Kepmendagri No. 300.2.2-2138 Tahun 2025, kode wilayah (compiled by cahyadsn/wilayah, MIT)"
_PREFIX = re.compile(r"^(?:Kabupaten|Kota Administrasi|Kota Adm\.|Kota) ")


@dataclass(frozen=True)
class Area:
    """One row of the decree: a district or a village, found by name only in context."""
    code: str
    name: str
    level: str  # "District" or "Village"

    @property
    def parent_code(self) -> str:
        return self.code.rsplit(".", 1)[0]


def _rows() -> list[tuple[str, str, str]]:
    with WILAYAH_CSV.open(encoding="utf-8", newline="") as handle:
        return [(r["kode"], r["nama"].strip(), r["level"]) for r in csv.DictReader(handle)]


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
def subdivisions() -> dict[str, tuple[Area, ...]]:
    """Districts and villages by case-folded name; loaded the first time a text names one."""
    index: dict[str, list[Area]] = defaultdict(list)
    for code, name, level in _rows():
        if level in ("kecamatan", "desa/kelurahan"):
            index[name.casefold()].append(Area(code, name, "District" if level == "kecamatan" else "Village"))
    return {name: tuple(areas) for name, areas in index.items()}


@lru_cache(maxsize=1)
def by_code() -> dict[str, str]:
    """Official name of every area by code, for naming a district's regency or a village's district."""
    return {code: name for code, name, _ in _rows()}


def area_key(area: Area, regions_by_code: dict[str, Place]) -> str:
    """`place/<district>-<regency>` or `place/<village>-<district>`."""
    parent = area.parent_code
    if area.level == "District":
        region = regions_by_code.get(parent)
        return f"{slugify(area.name)}-{region.key if region else slugify(by_code()[parent])}"
    return f"{slugify(area.name)}-{slugify(by_code()[parent])}"
