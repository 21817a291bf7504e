"""The query editor a browser gets at `GET /sparql`: YASGUI, served from this project, preloaded with
the competency questions of `queries/*.rq`."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, request
from markupsafe import Markup

from kg.graph.vocab import PREFIXES
from server.context import config
from server.rdf_views import script_json
from server.rendering import render

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"


def competency_queries() -> list[dict[str, str]]:
    """`queries/*.rq` with the question of their `# Question (en):` / `# Pertanyaan (id):` lines."""
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        en = re.search(r"^#\s*Question \(en\):\s*(.+)$", text, re.M)
        id_ = re.search(r"^#\s*Pertanyaan \(id\):\s*(.+)$", text, re.M)
        out.append({"name": path.stem, "file": path.name, "question": en.group(1).strip() if en else path.stem,
                    "question_id": id_.group(1).strip() if id_ else "", "query": text})
    return out


def default_query() -> str:
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    return (prefixes + "\n\n# People and the posts they hold\nSELECT ?person ?name ?post WHERE {\n"
            "  ?person a kg:Person ; schema:name ?name .\n  OPTIONAL { ?person schema:jobTitle ?post }\n}\n"
            "ORDER BY ?name\nLIMIT 50\n")


def query_editor() -> Response:
    """YASGUI, served from this project, for a browser's GET /sparql."""
    queries = competency_queries()
    endpoint = request.base_url
    jsonld = {"@context": {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"},
              "@id": endpoint, "@type": "sd:Service", "sd:endpoint": {"@id": endpoint},
              "schema:hasPart": [{"@type": "schema:Question", "schema:name": q["question"], "schema:text": q["query"],
                                  "schema:identifier": q["file"]} for q in queries]}
    html = render("sparql.html", title="SPARQL query editor", jsonld=jsonld, queries=queries,
                  editor_config=Markup(script_json({"endpoint": endpoint, "defaultQuery": default_query(),
                                                    "prefixes": PREFIXES,
                                                    "queries": {q["name"]: q["query"] for q in queries},
                                                    "timeout": config().timeout})))
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})
