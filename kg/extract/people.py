"""Stage 2, people: who the text names, found by the cues Indonesian news writing gives.

A title chain before a name ("Direktur Jenderal Rehabilitasi Sosial Kementerian Sosial RI Harry Hikmat"),
"selaku", "bernama", "dipimpin oleh", a name set off before a title ("Neneng Heryani, Kepala …"),
a verb of saying before a name ("ujar Wildan", "kata Mensos"), and an honorific ("Bapak Cik Ono",
"Mr. Kim Sejin"). A name is a run of capitalised words; it is never a place or an organisation the
reference data knows, and it stops at the next known name or title.
"""

from __future__ import annotations

import re
from typing import Any

from kg.extract import ages
from kg.extract.spans import Mention
from kg.graph.iri import slugify
from kg.reference.lexicon import Lexicon
from kg.reference.wilayah import areas_named

NAME_TOKEN = r"(?:[A-Z][a-z]+(?:-[A-Z]?[a-z]+|['\u2019][a-z]+)?|[A-Z]\.(?:[A-Z]\.)*|[A-Z]{2,}[a-z]*)"
NAME_RE = re.compile(rf"(?:(?:[A-Z]\.)+ ?|I (?=[A-Z]))?{NAME_TOKEN}(?: {NAME_TOKEN}){{0,4}}")
NOT_NAME_START = {"Dalam", "Di", "Saat", "Pada", "Dengan", "Kepada", "Untuk", "Hal", "Namun", "Tahun", "Yang",
                  "Sesuai", "Karena", "Ketika", "Setelah", "Sebelum", "Selain", "Sementara", "Menurut", "Atas", "Bagi",
                  "Kami", "Kita", "Ia", "Dia", "Mereka", "Para", "Pak", "Bu", "Ibu", "Bapak", "Sabtu", "Minggu",
                  "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Tim", "Tagana", "Center", "Nomor", "No", "Tahun",
                  "Pasal", "Ayat", "Peraturan", "Undang", "Kota", "Negara", "Pemerintah", "Desa", "Kecamatan",
                  "Kabupaten", "Provinsi", "Kelurahan", "Dinas", "Program", "Sentra", "Balai", "Indonesia", "RI"}
#: head nouns of organisation names ("Ketua Lembaga Asosiasi Pekerja Sosial …" names no person there)
ORGANISATION_HEADS = {"Lembaga", "Asosiasi", "Yayasan", "Komisi", "Badan", "Dewan", "Kementerian", "Direktorat",
                      "Biro", "Pusat", "Bagian", "Perkumpulan", "Forum", "Ikatan", "Himpunan", "Persatuan",
                      "Organisasi", "Universitas", "Politeknik", "Sekolah", "Panti", "Kantor", "Deputi", "Bidang",
                      "Kelompok"}
LINKS = (" ", " (", ", ", " di ", " untuk ")
HONORIFIC_WORDS = r"(?:Pak|Bu|Ibu|Bapak|Sdr|Sdri|Dr|Drs|Ir|Prof|H|Hj|Mr|Mrs|Ms)\.?"
HONORIFICS = re.compile(rf"^(?:{HONORIFIC_WORDS} )+")
#: verbs that attribute speech in news writing ("…," kata X), after a closing quotation mark or a comma
SAYS = re.compile(r"(?:[\",] ?|^)(?:[Kk]ata|[Uu]jar|[Uu]ngkap|[Uu]cap|[Tt]utur|[Jj]elas|[Ss]ebut|[Tt]egas|[Tt]erang|"
                  r"[Pp]apar|[Ii]mbuh|[Tt]ambah|[Ll]anjut|[Pp]ungkas|[Ss]ambung)\s+(?=[A-Z])", re.MULTILINE)
#: honorifics that introduce a name on their own; "Ibu Kota" (capital city) is not a person
#: kinship nouns before names: "memiliki 2 orang anak Sulianto dan Agus Rudi Hartono", "istrinya Siti Aminah"
KINSHIP = re.compile(r"\b(?:anak|putra|putri|istri|suami|ayah|cucu|adik|kakak|orang tua)(?:nya)?"
                     r"(?: (?:bernama|yaitu|yakni))? (?=[A-Z])")
#: "<name> merupakan seorang …": the copula and the classifier of people (Tata Bahasa Baku: "seorang")
SOMEONE = re.compile(r"(?: \(\d{1,3}\),?)? (?:merupakan|adalah|ialah) (?:seorang|salah seorang)\b")
LIST_NEXT = re.compile(r"(?:,? dan |, )(?=[A-Z])")
HONORIFIC_CUE = re.compile(r"\b(?:(?:Bapak|Ibu|Pak|Bu|Sdr|Sdri)\.? (?!Kota\b|Negara\b|Pertiwi\b)|(?:Mr|Mrs|Ms)\.? )(?=[A-Z])")


class PeopleFinder:
    """Finds people among the names and titles another finder has already found."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon

    @staticmethod
    def _area(rest: str, depth: int) -> str:
        """The longest run of capitalised words opening `rest` that is the name of a village (depth 3)
        or a district (depth 2) in the Kemendagri list."""
        words = re.match(r" ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+){0,2})", rest)
        if not words:
            return ""
        tokens = words.group(1).split(" ")
        return next((" ".join(tokens[:n]) for n in range(len(tokens), 0, -1)
                     if areas_named(" ".join(tokens[:n]), depth)), "")

    def _unit_word_spelt(self, word: str) -> str:
        """"Rehabilasi" in "Direktur Jenderal Rehabilasi Sosial" is a slip of "Rehabilitasi", not a name:
        the unit word it misspells, or "" when it is none."""
        if len(word) < 7:
            return ""
        return next((u for u in self.lex.unit_words  # a slip keeps the first letter and about the length
                     if len(u) >= 7 and u[0] == word[0] and abs(len(u) - len(word)) <= 2
                     and edit_distance(word, u) <= (2 if len(u) >= 9 else 1)), "")

    def _is_place_or_org(self, surface: str) -> bool:
        return self.lex.place_by_name(surface) is not None or any(
            surface in (o.name, *o.aliases) for o in self.lex.organisations)

    def find(self, text: str, names: list[Mention], roles: list[Mention]) -> list[Mention]:
        """People named right after a title chain, with "selaku", "bernama", "oleh", in apposition to a
        title, after a verb of saying or after an honorific."""
        blocked = names + roles
        people: list[Mention] = []
        consumed: set[int] = set()
        for i, role in enumerate(roles):
            if role.start in consumed or text[max(0, role.start - 10):role.start].endswith("Peraturan "):
                continue
            chain = self._chain(text, role, roles[i + 1:], names)
            consumed.update(r.start for r in chain["roles"])
            person = self._name_at(text, chain["end"], blocked)
            if person:
                person.attrs.update({"chain": chain, "rule": "title-before-name"})
                chain["person"] = person
                people.append(person)
        for match in re.finditer(r"\b(?:bernama|diwakili oleh|dipimpin oleh|dipimpin|(?:disampaikan|dibuka|diresmikan|"
                                 r"diserahkan|dihadiri|dijelaskan|diungkapkan|ditandatangani) oleh) ", text):
            person = self._name_at(text, match.end(), blocked)
            if person and not any(person.overlaps(p) for p in people):
                person.attrs["rule"] = "name-after-cue"
                people.append(person)
        for match in re.finditer(r" selaku(?= |\n)", text):
            person = self._name_before(text, match.start(), blocked)
            role = next((r for r in roles if r.start == match.end() + 1), None)
            if person and not role and person.end == match.start() and not any(person.overlaps(p) for p in people):
                person.attrs["rule"] = "name-selaku"  # the title is cut off, the name still stands
                people.append(person)
            elif person and role and not any(person.overlaps(p) for p in people):
                chain = self._chain(text, role, [r for r in roles if r.start > role.start], names)
                chain["person"] = person
                person.attrs.update({"chain": chain, "rule": "name-selaku-title"})
                people.append(person)
        people += self._apposition(text, roles, names, people)
        people += self._described_as_someone(text, names + roles, people)
        people += self._aged(text, names + roles, people)
        taken = blocked + people
        for cue, rule in ((SAYS, "name-after-verb-of-saying"), (HONORIFIC_CUE, "name-after-honorific")):
            for match in cue.finditer(text):
                person = self._name_at(text, match.end(), taken)
                if person and not any(person.overlaps(p) for p in taken):
                    person.attrs["rule"] = rule
                    people.append(person)
                    taken.append(person)
        people += self._kin(text, taken)
        return people

    def _described_as_someone(self, text: str, blocked: list[Mention], people: list[Mention]) -> list[Mention]:
        """"Ayu Larasati merupakan seorang mantan TKI": a name the copula describes as "seorang" (the
        classifier of a person) is a person."""
        found: list[Mention] = []
        for match in SOMEONE.finditer(text):
            person = self._name_before(text, match.start(), blocked)
            if person and person.end == match.start() and not any(person.overlaps(p) for p in people + found):
                person.attrs["rule"] = "name-described-as-someone"
                found.append(person)
        return found

    def _aged(self, text: str, blocked: list[Mention], people: list[Mention]) -> list[Mention]:
        """A name of two words or more with an age in parentheses after it is a person's ("Siti Aminah (54)");
        a single capitalised word is too often something else ("Lansia (60)")."""
        found: list[Mention] = []
        for age in (a for a in ages.AGE.finditer(text) if ages.is_age(a)):
            person = self._name_before(text, age.start(), blocked, words=2)
            if person and person.end == age.start() and not any(person.overlaps(p) for p in people + found):
                person.attrs["rule"] = "name-with-age"
                found.append(person)
        return found

    def _name_before(self, text: str, end: int, blocked: list[Mention], words: int = 1) -> Mention | None:
        """The person named by the run of at least `words` capitalised words that ends at `end` (before
        "selaku", a copula, an age), if that run is a name."""
        before = text[max(0, end - 60):end]
        names = list(NAME_RE.finditer(before))
        if not names or names[-1].end() != len(before) or names[-1].group(0).count(" ") < words - 1:
            return None
        return self._name_at(text, end - len(before) + names[-1].start(), blocked)

    def _kin(self, text: str, taken: list[Mention]) -> list[Mention]:
        """Names after a kinship noun, and the names listed with the first ("anak Sulianto dan Agus")."""
        found: list[Mention] = []
        for match in KINSHIP.finditer(text):
            pos = match.end()
            while True:
                person = next((p for p in taken + found if p.kind == "person" and p.start == pos), None)
                if person is None:
                    person = self._name_at(text, pos, taken + found)
                    if person is None or person.start != pos or any(person.overlaps(p) for p in taken + found):
                        break
                    person.attrs["rule"] = "name-after-kinship-noun"
                    found.append(person)
                more = LIST_NEXT.match(text, person.end)
                if not more:
                    break
                pos = more.end()
        return found

    def _apposition(self, text: str, roles: list[Mention], names: list[Mention], people: list[Mention]) -> list[Mention]:
        """"Neneng Heryani, Kepala Sentra Handayani": a name set off by a comma before a title
        that names nobody after it holds that title."""
        found = []
        named = {id(r) for p in people for r in p.attrs.get("chain", {}).get("roles", [])}
        for i, role in enumerate(roles):
            if id(role) in named or text[role.start - 2:role.start] != ", ":
                continue
            before = text[max(0, role.start - 62):role.start - 2]
            match = re.search(rf"(?:^|(?<=[\s(]))(?:{HONORIFIC_WORDS} )?({NAME_RE.pattern})$", before)
            if not match:
                continue
            start = role.start - 2 - len(before) + match.start(1)
            person = self._name_at(text, start, names + roles)
            if person is None or person.end != role.start - 2 or any(person.overlaps(p) for p in people + found):
                continue
            chain = self._chain(text, role, roles[i + 1:], names)
            chain["person"] = person
            person.attrs.update({"chain": chain, "rule": "name-comma-title"})
            found.append(person)
        return found

    def _chain(self, text: str, role: Mention, later_roles: list[Mention], names: list[Mention]) -> dict[str, Any]:
        """Walk "Presiden dan CEO PT X", "Kepala Sentra "Kartini" di Temanggung", "Dirjen Rehabilitasi Sosial"."""
        chain: dict[str, Any] = {"roles": [role], "orgs": [], "places": [], "located": [], "unit": "", "field": "",
                                 "village": ""}
        pos = role.end
        by_start = {m.start: m for m in names}
        roles_by_start = {r.start: r for r in later_roles}
        lex_role = self.lex.find_role(role.attrs["role"])
        while True:
            rest = text[pos:]
            step = re.match(r" dan ", rest)
            if step and pos + step.end() in roles_by_start and not chain["orgs"]:
                nxt = roles_by_start[pos + step.end()]
                chain["roles"].append(nxt)
                pos = nxt.end
                continue
            linked = next((by_start[pos + len(sep)] for sep in LINKS
                           if rest.startswith(sep) and pos + len(sep) in by_start), None)
            if linked:
                chain["orgs" if linked.kind == "org" else "places"].append(linked)
                if linked.kind == "place" and rest.startswith(" di "):
                    chain["located"].append(linked)
                pos = linked.end
                if text[pos:pos + 1] == ")":
                    pos += 1
                continue
            if lex_role and lex_role.org_form and not chain["orgs"] and not chain["unit"]:
                unit = re.match(r" ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+){0,4})", rest)
                if unit:
                    words = [w for w in unit.group(1).split(" ")]
                    taken, spelt = [], []
                    for w in words:
                        word = w if w in self.lex.unit_words or w in ("Rehsos", "Anak") else self._unit_word_spelt(w)
                        if not word:
                            break
                        taken.append(w)
                        spelt.append(word)
                    if taken:
                        chain["unit"] = f"{lex_role.org_form} {' '.join(spelt)}"
                        pos += 1 + len(" ".join(taken))
                        continue
            place_org = lex_role.place_org if lex_role else ""
            depth = 3 if re.search(r"(?:Desa|Kelurahan) \{place\}", place_org) else 2 if "Kecamatan {place}" in place_org else 0
            if depth and not chain["places"] and not chain["village"]:
                village = self._area(rest, depth)
                if village:  # "Kepala Desa Penanggal Cik Ono", "Camat Cugenang Nama"
                    chain["village"] = village
                    pos += 1 + len(village)
                    continue
            step = re.match(r" \(([^)]{2,20})\)", rest)
            # "Menteri Sosial (Mensos), Saifullah Yusuf", "Dirjen Penanganan Fakir Miskin (PFM) Asep Sasa Purnama"
            if step and (pos + 2 in roles_by_start or re.fullmatch(r"[A-Z][A-Za-z]{1,9}", step.group(1)) and step.group(1)[1:].isupper()):
                pos += step.end()
                continue
            step = re.match(r" (?:RI|Republik Indonesia)(?![\w-])", rest)
            if step:  # "Menteri Sosial RI, Juliari P. Batubara"
                pos += step.end()
                continue
            step = re.match(r" (Bidang(?: [A-Z][A-Za-z]+| dan)+)", rest)
            if step and not chain["field"]:
                words = step.group(1).split(" ")
                keep = len(words)
                while keep > 1 and (words[keep - 1] not in self.lex.unit_words and words[keep - 1] != "dan"):
                    keep -= 1
                while keep > 1 and words[keep - 1] == "dan":
                    keep -= 1
                chain["field"] = " ".join(words[:keep])
                pos += 1 + len(chain["field"])
                continue
            break
        then = re.match(r",? (?:yaitu|yakni) |, ", text[pos:])  # "Kepala Desa Penanggal yaitu Bapak Cik Ono"
        if then:
            pos += then.end()
        chain["end"] = pos
        return chain

    def _name_at(self, text: str, pos: int, blocked: list[Mention]) -> Mention | None:
        """The person's name starting at `pos`, up to the next known name or title."""
        if pos >= len(text) or text[pos] == "\n":
            return None
        if text[pos] == " ":
            pos += 1
        honorific = HONORIFICS.match(text[pos:])
        if honorific:
            pos += honorific.end()
        match = NAME_RE.match(text, pos)
        if not match:
            return None
        end = match.end()
        for other in blocked:
            if other.start >= pos and other.start < end:
                end = other.start
        surface = text[pos:end].rstrip()
        tokens = surface.split(" ")
        while tokens and (tokens[-1] in NOT_NAME_START or tokens[-1] in self.lex.unit_words):
            tokens.pop()
        if not tokens or tokens[0] in NOT_NAME_START or tokens[0] in self.lex.unit_words or tokens[0] in ORGANISATION_HEADS:
            return None
        surface = " ".join(tokens)
        if len(surface) < 3 or surface.isupper() or self._is_place_or_org(surface):
            return None
        return Mention("person", pos, pos + len(surface), surface, f"person/{slugify(surface, 8)}", surface, "Person", {})


def one_edit(a: str, b: str) -> bool:
    """Equal, or one letter substituted, added or dropped ("Propinsi"/"Provinsi", "PT."/"PT")."""
    return abs(len(a) - len(b)) <= 1 and edit_distance(a, b) <= 1


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: letters substituted, added or dropped."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]
