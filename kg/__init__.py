"""kemensos-kg: press releases of Kementerian Sosial turned into a provenance-tracked RDF graph."""

__version__ = "0.1.0"
