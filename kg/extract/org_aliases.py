"""Another name an organisation is given where it is first named: "Korean Association of Social Worker
atau Lembaga Asosiasi Pekerja Sosial". The name after "atau" (or "alias", "yang dikenal sebagai") is the
same organisation wherever else the release uses it ("Ketua Lembaga Asosiasi Pekerja Sosial Shin Young Joo")."""

from __future__ import annotations

import re

from kg.extract.spans import Mention

ALIAS = re.compile(r" (?:atau|alias|yang (?:dikenal|disebut) (?:sebagai|dengan)) "
                   r"(?P<name>[A-Z][a-z]+(?: (?:dan )?[A-Z][a-z]+){1,7})")


def find(text: str, names: list[Mention]) -> list[Mention]:
    """Mentions of each alias, where it is given and wherever it recurs, that no other name covers."""
    found: list[Mention] = []
    for org in (m for m in names if m.kind == "org"):
        alias = ALIAS.match(text, org.end)
        if not alias:
            continue
        taken = names + found
        for match in re.finditer(rf"(?<![\w-]){re.escape(alias.group('name'))}(?![\w-])", text):
            if not any(match.start() < m.end and m.start < match.end() for m in taken):
                found.append(Mention("org", match.start(), match.end(), match.group(0), org.key, org.label,
                                     org.entity_kind, {**org.attrs, "source": "alias", "rule": "organisation-alias"}))
    return found
