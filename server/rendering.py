"""Rendering a page: every template gets the page's JSON-LD, its alternate RDF forms and the site's
lists; `wants_html` tells a browser from an RDF client. Shared by every blueprint that renders."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from markupsafe import Markup

from kg.graph.vocab import KG
from server.graph_data import local_path
from server.negotiation import negotiate
from server.rdf_views import alternates, script_json

#: the lists of the home page: path name → (title, Indonesian title, class, one-line description)
LISTS: dict[str, tuple[str, str, str, str]] = {
    "people": ("People", "Orang", str(KG.Person), "officials, delegation members and hosts named in the releases"),
    "organisations": ("Organisations", "Organisasi", str(KG.Organisation), "ministries, units, sentra, companies, governments"),
    "programmes": ("Programmes", "Program", str(KG.Program), "social programmes such as ATENSI"),
    "places": ("Places", "Tempat", str(KG.Place), "countries, provinces, regencies and cities"),
    "visits": ("Visits", "Kunjungan", str(KG.Visit), "delegation visits and their hosts"),
    "posts": ("Posts", "Jabatan", str(KG.Post), "posts in organisations and who holds them"),
    "cooperation": ("Cooperation", "Kerja sama", str(KG.Cooperation), "cooperation established, hoped for or explored"),
    "statistics": ("Figures", "Angka", str(KG.Statistic), "figures stated in the releases"),
    "quotes": ("Quotes", "Kutipan", str(KG.Quote), "direct quotations and their speakers"),
    "directives": ("Directives", "Arahan", str(KG.Directive), "directives and who issued them"),
}
MAIN_LISTS = ("people", "organisations", "programmes", "places", "visits")


def wants_html() -> bool:
    """A browser asking for a page: text/html preferred over every RDF type the endpoint offers."""
    offers = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples", "text/html"]
    return negotiate(request.headers.get("Accept"), offers) == "text/html"


def render(template: str, *, title: str, jsonld: Any, iri: str | None = None, **context: Any) -> str:
    base_path = None
    if iri is not None:
        base_path = local_path(iri)
        if base_path and "#" in base_path:
            base_path = None
    return render_template(
        template, title=title, jsonld=Markup(script_json(jsonld)), iri=iri,
        alternates=alternates(base_path) if base_path else [], lists=LISTS, main_lists=MAIN_LISTS, **context)
