"""Stage 2: find mentions in normalised text — names from the lexicons and patterns, titles,
people named after a title (`people.py`), numbers, money and dates (`quantities.py`) and quotations.

A mention is a span of the normalised text with what it denotes (`key`, e.g. `org/kementerian-sosial`)
when that is known from the span alone. Resolving short names ("Harry") is the next stage's job.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from kg.extract import ages, areas, enumerations, foreign_places, org_aliases, programme_names, quotations
from kg.extract.quantities import QuantityFinder
from kg.extract.people import PeopleFinder, one_edit
from kg.extract.spans import Mention
from kg.graph.iri import org_key
from kg.reference.lexicon import Lexicon, OrgPattern, load_lexicon

#: patterns whose name ends in the place the organisation is in: "KBRI Phnom Penh" beats the lexicon's "KBRI"
PLACE_NAMED_PATTERNS = {"indonesian-embassy", "indonesian-embassy-spelt-out", "indonesian-consulate-spelt-out",
                        "foreign-embassy", "local-government", "social-affairs-office"}


class _Blank(dict):  # type: ignore[type-arg]
    """Pattern templates name groups that an alternative may leave out: those read as empty."""

    def __missing__(self, key: str) -> str:
        return ""



_LEVELS = {"Province": "Provinsi", "Regency": "Kabupaten", "City": "Kota"}


def _spelt_as(word: str, canonical_words: dict[str, str]) -> str:
    """`word` in the canonical name's spelling when it differs from a canonical word by one letter
    at its end ("Rehabilitas" → "Rehabilitasi"): an evident slip, not another word."""
    for folded, canonical in canonical_words.items():
        lower = word.casefold()
        if len(lower) >= 6 and lower != folded and (folded.startswith(lower) or lower.startswith(folded)) \
                and abs(len(lower) - len(folded)) == 1:
            return canonical
    return word


def _stated_name(surface: str, label: str) -> str:
    """The proper name as the text states it, when it says more than the pattern's canonical label
    ("Pusat Layanan Rehabilitasi Anak" for the canonical "Pusat Rehabilitasi Anak Kitakyushu"):
    capitalised words only, a trailing "di <place>" left out, slips of spelling mended."""
    name = re.split(r" di (?=[A-Z])", surface)[0]
    if not name[:1].isupper() or not all(w[:1].isupper() for w in name.split()):
        return ""
    canonical_words = {w.casefold(): w for w in label.split()}
    mended = " ".join(_spelt_as(w, canonical_words) for w in name.split())
    new_words = [w for w in mended.casefold().split()
                 if not any(one_edit(w.rstrip("."), c) for c in canonical_words)]
    return mended if new_words else ""


def _lower_title_alone(person: Mention) -> bool:
    """A person found only through a title in lower case that names no organisation or place."""
    chain = person.attrs.get("chain")
    return bool(chain) and chain["roles"][0].text[:1].islower() and not (
        chain["orgs"] or chain["places"] or chain["unit"] or chain["village"])


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


class MentionFinder:
    """Finds mentions in one normalised text using the lexicons; build once, reuse for every document."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        self._names: dict[str, tuple[str, str, str, str]] = {}
        #: places from the official datasets, not the curated list: a longer pattern may contain them
        self._official_places = {f"place/{p.key}" for p in self.lex.places if not p.curated}
        for name, place in self.lex.place_names.items():
            self._names[name] = ("place", f"place/{place.key}", place.name, place.kind)
        for org in self.lex.organisations:
            for name in (org.name, *org.aliases):
                self._names[name] = ("org", f"org/{org.key}", org.name, org.kind)
        for prog in self.lex.programs:
            for name in (prog.name, *prog.aliases):
                self._names[name] = ("program", f"program/{prog.key}", prog.name, "Program")
        # most names start with a capital or a digit: a lookahead rejects every other position before the
        # long alternation is tried (2.7 times faster on the bundled corpus, the same matches)
        capitalised = [n for n in self._names if re.match(r"[A-Z0-9]", n)]
        others = [n for n in self._names if not re.match(r"[A-Z0-9]", n)]
        self._gazetteer = re.compile(rf"(?<![\w-])(?:(?=[A-Z0-9])(?:{_alternation(capitalised)})"
                                     rf"|(?:{_alternation(others)}))(?![\w-])")
        # "Kementerian sosial", "pusat data dan informasi", "layanan dukungan psikososial": the name of an
        # organisation of several words, or of a programme of three or more, in any case after its first letter
        # (a single word in lower case is a common word: "malang"; so are two of a programme: "bantuan sosial")
        self._org_names_folded = {n.casefold(): n for n, v in self._names.items()
                                  if (v[0] == "org" and " " in n) or (v[0] == "program" and n.count(" ") >= 2)}
        self._org_names_any_case = re.compile(
            rf"(?<![\w-])(?i:{_alternation(self._org_names_folded)})(?![\w-])")
        self._roles: dict[str, str] = {}
        for role in self.lex.roles:
            for name in (role.label_id, *role.aliases):
                self._roles[name] = role.key
        self._people = PeopleFinder(self.lex)
        # "Plt. Kepala Dinas", "Plh Direktur": an acting holder holds the post all the same
        # "serta anggota Komisi VIII DPR RI Selly …": a title in lower case counts when a name follows it
        self._roles.update({name.lower(): key for name, key in list(self._roles.items()) if not name.isupper()})
        self._role_re = re.compile(rf"(?<![\w-])(?P<acting>(?:Plt|Plh|Pj)\.? )?(?P<deputy>Wakil |Deputy |wakil )?"
                                   rf"(?:{_alternation(self._roles)})(?![\w-])")
        self._quantities = QuantityFinder(self.lex)

    # -- public -------------------------------------------------------------------------------

    def find(self, text: str) -> list[Mention]:
        """All mentions in `text`, non-overlapping within each layer, sorted by position."""
        names = self._select(self._gazetteer_mentions(text) + self._pattern_mentions(text) + areas.find(text))
        names = self._truncate_to_known(names, text)
        listed, absorbed = enumerations.find(text, names)
        names = sorted([m for m in names if not any(m is a for a in absorbed)] + listed, key=lambda m: m.start)
        enumerations.retype_places(text, names, self.lex)
        names = sorted(names + programme_names.find(text, names), key=lambda m: m.start)
        names = sorted(names + org_aliases.find(text, names), key=lambda m: m.start)
        names = sorted(names + foreign_places.find(text, names, self.lex), key=lambda m: m.start)
        roles = [r for r in (self._trim_role(m, names, text) for m in self._role_mentions(text)) if r]
        # a title in lower case names a post only with its organisation or place: "kepala Wildan" is a head
        people = [p for p in self._people.find(text, names, roles) if not _lower_title_alone(p)]
        chained = {id(r) for p in people for r in (p.attrs.get("chain") or {}).get("roles", [])}
        roles = [r for r in roles if r.text[:1].isupper() or id(r) in chained]  # "kepala keluarga" names no post
        taken = names + roles + people
        dates = self._quantities.dates(text)
        quantities = self._quantities.find(text, dates, taken) + ages.find(text, people)
        quotes = [q for q in quotations.find(text) if not any(n.start <= q.start and q.end <= n.end for n in names)]
        return sorted(taken + dates + quantities + quotes, key=lambda m: (m.start, -m.end))

    # -- names ----------------------------------------------------------------------------------

    def _gazetteer_mentions(self, text: str) -> list[Mention]:
        found = []
        for match in self._gazetteer.finditer(text):
            kind, key, label, entity_kind = self._names[match.group(0)]
            source = "gazetteer" if key in self._official_places else "lexicon"
            found.append(Mention(kind, match.start(), match.end(), match.group(0), key, label, entity_kind,
                                 {"source": source}))
        exact = {(m.start, m.end) for m in found}
        for match in self._org_names_any_case.finditer(text):
            if (match.start(), match.end()) in exact:
                continue
            kind, key, label, entity_kind = self._names[self._org_names_folded[match.group(0).casefold()]]
            found.append(Mention(kind, match.start(), match.end(), match.group(0), key, label, entity_kind,
                                 {"source": "lexicon"}))
        return found

    def _pattern_mentions(self, text: str) -> list[Mention]:
        found = []
        for pattern in self.lex.org_patterns:
            for match in pattern.regex.finditer(text):
                mention = self._from_pattern(pattern, match, text)
                if mention:
                    found.append(mention)
        return found

    def _from_pattern(self, pattern: OrgPattern, match: re.Match[str], text: str) -> Mention | None:
        groups = {k: (v or "") for k, v in match.groupdict().items()}
        end = match.end()
        place = None
        if "name" in groups and pattern.kind in ("Sentra", "Company", "OrganisationalUnit"):
            tokens = groups["name"].split(" ")
            for i, token in enumerate(tokens):
                found = self.lex.place_by_name(token) if i else None
                if found:
                    place = found
                    groups["name"] = " ".join(tokens[:i])
                    end = match.start("name") + len(" ".join(tokens[: i + 1]))
                    break
        via_di = False
        if place is None and pattern.kind == "ServiceCentre" and groups.get("name"):
            place = self.lex.place_by_name(groups["name"])  # "Pos Pemulangan Pontianak" is named after its city
        if place is None and pattern.kind == "Sentra":
            # `Balai "Soeharso" Surakarta` names its place; `… di Jakarta` says where it is, outside the name
            after = re.match(r"( di)? ([A-Z][a-z]+(?: [A-Z][a-z]+)?)", text[end:])
            for words in ((after.group(2), after.group(2).split(" ")[0]) if after else ()):
                found = self.lex.place_by_name(words)
                if found and found.kind in ("City", "Regency", "Province"):
                    place = found
                    end = end if after.group(1) else end + after.start(2) + len(words)
                    via_di = bool(after.group(1))
                    break
        if "place" in groups:
            if not groups["place"]:
                groups["place"] = ""
            else:
                level = groups.get("level", "").replace("Propinsi", "Provinsi")
                words = groups["place"].split(" ")
                for n in range(len(words), 0, -1):  # "Kabupaten Cianjur Dindin Amaludin": the place is "Cianjur"
                    named = " ".join(words[:n])
                    place = (self.lex.place_by_name(f"{level} {named}") if level else None) or self.lex.place_by_name(named)
                    if place:
                        end = match.start("place") + len(named)
                        break
                for n in range(len(words), 0, -1) if place is None and pattern.parent == "kementerian-luar-negeri" else ():
                    place = self.lex.vouched_town(" ".join(words[:n]))  # "KJRI Kuching": a mission names its town
                    if place:
                        end = match.start("place") + len(" ".join(words[:n]))
                        break
                if place is None:
                    return None
                groups["place"] = place.name if not level else named
        if "level" in groups:
            groups["level"] = groups["level"].replace("Propinsi", "Provinsi")
            if not groups["level"] and place is not None and pattern.name != "government-of-place":
                groups["level"] = _LEVELS.get(place.kind, "")  # "Dinas Sosial DKI Jakarta": a province's
        kind = pattern.kind
        if pattern.name == "government-of-place":
            assert place is not None
            if place.kind == "Country":
                kind = "NationalGovernment"
            else:
                kind = "LocalGovernment"
                level = "Provinsi" if place.kind == "Province" else "Kota" if place.kind == "City" else "Kabupaten"
                groups["place"] = f"{level} {groups['place']}"
        label = re.sub(r"\s+", " ", pattern.canonical.format_map(_Blank(groups))).strip()
        key = org_key(kind, label, groups.get("name", ""))
        attrs: dict[str, Any] = {"source": "pattern", "pattern": pattern.name,
                                 "parent": self._directorate_general(label) or pattern.parent}
        stated = _stated_name(text[match.start():end], label)
        if stated:
            attrs["stated"] = stated
        if place:
            attrs["place"] = f"place/{place.key}"
            attrs["place_rule"] = "organisation-di-place" if via_di else "organisation-name-with-place"
        if "name" in groups:
            attrs["name"] = groups["name"]
        return Mention("org", match.start(), end, text[match.start():end], key, label, kind, attrs)

    def _directorate_general(self, label: str) -> str:
        """The directorate general a directorate belongs to: the one whose name its name continues
        ("Direktorat Rehabilitasi Sosial Anak" in "Direktorat Jenderal Rehabilitasi Sosial"), as
        Perpres 110/2021 names the directorates after their directorate general's field."""
        if not label.startswith("Direktorat ") or label.startswith("Direktorat Jenderal "):
            return ""
        field = label.removeprefix("Direktorat ")
        for org in self.lex.organisations:
            general = org.name.removeprefix("Direktorat Jenderal ")
            if org.name.startswith("Direktorat Jenderal ") and field.startswith(general + " "):
                return org.key
        return ""

    @staticmethod
    def _select(candidates: list[Mention]) -> list[Mention]:
        """A lexicon name beats a pattern starting at the same place ("Biro Perencanaan" + a name);
        otherwise longest first; drop anything overlapping a kept span."""
        lexicon_starts = {m.start for m in candidates if m.attrs.get("source") == "lexicon"}
        candidates = [m for m in candidates if m.attrs.get("source") == "lexicon" or m.start not in lexicon_starts
                      or m.attrs.get("pattern") in PLACE_NAMED_PATTERNS]
        order = sorted(candidates, key=lambda m: (-(m.end - m.start), m.attrs.get("source") != "lexicon", m.start))
        kept: list[Mention] = []
        for mention in order:
            if not any(mention.overlaps(k) for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)

    @staticmethod
    def _truncate_to_known(names: list[Mention], text: str) -> list[Mention]:
        """"PT Sun Aqua Toto Emi Tanaka" is cut back to "PT Sun Aqua Toto" when the shorter name
        stands alone elsewhere in the same document (a pattern alone cannot tell where a name ends)."""
        labels = {m.label for m in names if m.attrs.get("source") == "pattern"}
        out = []
        for mention in names:
            if mention.attrs.get("source") == "pattern" and "name" in mention.attrs:
                for shorter in sorted(labels, key=len):
                    if shorter != mention.label and mention.label.startswith(shorter + " "):
                        cut = len(mention.label) - len(shorter)
                        new_end = mention.end - cut
                        name = mention.attrs["name"][: len(mention.attrs["name"]) - cut]
                        mention = Mention("org", mention.start, new_end, text[mention.start:new_end],
                                          org_key(mention.entity_kind, shorter, name), shorter,
                                          mention.entity_kind, {**mention.attrs, "name": name})
                        break
            out.append(mention)
        return out

    # -- titles and the people who hold them ---------------------------------------------------------

    def _role_mentions(self, text: str) -> list[Mention]:
        found = []
        for match in self._role_re.finditer(text):
            acting = match.group("acting") or ""
            surface = match.group(0)[len(acting):]
            deputy = bool(match.group("deputy")) and surface not in self._roles
            base = surface[len(match.group("deputy")):] if deputy else surface
            key = self._roles[base]
            if deputy:
                key = f"wakil-{key}"
            found.append(Mention("role", match.start() + len(acting), match.end(), surface, f"role/{key}", surface,
                                 "Role", {"role": key, "deputy": deputy, "acting": bool(acting)}))
        return found

    def _trim_role(self, role: Mention, names: list[Mention], text: str) -> Mention | None:
        """"Kepala Sentra" overlapping `Sentra "Kartini"` is the title "Kepala" before that name."""
        clash = [n for n in names if role.overlaps(n)]
        if not clash:
            return role
        cut = min(n.start for n in clash)
        surface = text[role.start:cut].rstrip()
        if cut <= role.start or surface not in self._roles:
            return None
        key = self._roles[surface]
        return Mention("role", role.start, role.start + len(surface), surface, f"role/{key}", surface, "Role",
                       {"role": key, "deputy": False})
