"""A client of another SPARQL store: the SPARQL 1.1 Graph Store HTTP Protocol for writing whole named graphs
(`PUT`/`DELETE ?graph=IRI`) and the SPARQL 1.1 Protocol for counting what it holds.

Credentials: a bearer token, or a user and password for HTTP Basic or Digest authentication, whichever the
target asks for (Virtuoso's `/sparql-graph-crud-auth` wants Digest, Fuseki and GraphDB Basic). The scheme is
read from the target's first `401` answer, so no flag names it. A graph goes up as a file, streamed from disk:
a Digest challenge that comes back mid-request rewinds the file instead of holding the graph in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from kg.errors import KGError

NTRIPLES = "application/n-triples; charset=utf-8"
SPARQL_JSON = "application/sparql-results+json"
COUNT_BATCH = 100  # graphs counted per query: a short query, and one round trip per hundred graphs
TIMEOUT = (10.0, 600.0)  # connect, read: a large graph may take the target minutes to index


class PublishError(KGError):
    """The target refused a request, could not be reached, or holds other counts than were sent."""


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = None
    token: str | None = None


class Target:
    """One Graph Store endpoint (`gsp_url`) and the query endpoint that counts its triples (`query_url`)."""

    def __init__(self, gsp_url: str, query_url: str | None = None, credentials: Credentials = Credentials()) -> None:
        self.gsp_url = gsp_url
        self.query_url = query_url or gsp_url
        self._credentials = credentials
        self._session = requests.Session()
        if credentials.token:
            self._session.headers["Authorization"] = f"Bearer {credentials.token}"
        self._negotiated = False

    def close(self) -> None:
        self._session.close()

    def put(self, graph: str, body: BinaryIO) -> None:
        """Replace `graph` at the target with the N-Triples in `body` (an open file)."""
        self._negotiate(graph)
        self._check(self._request("PUT", self.gsp_url, params={"graph": graph}, data=body,
                                  headers={"Content-Type": NTRIPLES}), f"PUT <{graph}>")

    def delete(self, graph: str) -> None:
        """Remove `graph` from the target; one it does not hold (404) is gone already."""
        self._negotiate(graph)
        response = self._request("DELETE", self.gsp_url, params={"graph": graph})
        if response.status_code != 404:
            self._check(response, f"DELETE <{graph}>")

    def counts(self, graphs: list[str]) -> dict[str, int]:
        """Triples the target holds in each of `graphs` (0 for one it does not hold)."""
        found = dict.fromkeys(graphs, 0)
        for start in range(0, len(graphs), COUNT_BATCH):
            batch = graphs[start:start + COUNT_BATCH]
            values = " ".join(f"<{g}>" for g in batch)
            sparql = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            response = self._request("POST", self.query_url, data={"query": sparql}, headers={"Accept": SPARQL_JSON})
            self._check(response, f"counting triples at {self.query_url}")
            try:
                for row in response.json()["results"]["bindings"]:
                    found[row["g"]["value"]] = int(row["n"]["value"])
            except (ValueError, KeyError, TypeError) as exc:
                raise PublishError(f"{self.query_url} did not answer the count with SPARQL JSON results: "
                                   f"{response.text[:200]!r}") from exc
        return found

    def _negotiate(self, graph: str) -> None:
        """Before the first write, learn which authentication the target asks for and check the credentials
        with a GET that is closed unread (so no graph is downloaded)."""
        if self._negotiated or self._credentials.user is None:
            return
        probe = self._request("GET", self.gsp_url, params={"graph": graph}, stream=True)
        probe.close()
        challenge = probe.headers.get("WWW-Authenticate", "")
        password = self._credentials.password or ""
        if challenge.lower().startswith("digest"):
            self._session.auth = HTTPDigestAuth(self._credentials.user, password)
        else:
            self._session.auth = HTTPBasicAuth(self._credentials.user, password)
        if probe.status_code == 401:
            checked = self._request("GET", self.gsp_url, params={"graph": graph}, stream=True)
            checked.close()
            if checked.status_code in (401, 403):
                raise PublishError(f"{self.gsp_url} refused the credentials of user {self._credentials.user!r} "
                                   f"({checked.status_code} {checked.reason})")
        self._negotiated = True

    def _request(self, method: str, url: str, **kwargs: object) -> requests.Response:
        try:
            return self._session.request(method, url, timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
        except requests.ConnectionError as exc:
            reason = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))
            raise PublishError(f"{method} {url}: cannot reach the target ({reason.group(0) if reason else exc})") from exc
        except requests.RequestException as exc:
            raise PublishError(f"{method} {url} failed: {exc}") from exc

    @staticmethod
    def _check(response: requests.Response, what: str) -> None:
        if response.status_code >= 400:
            raise PublishError(f"{what}: the target answered {response.status_code} {response.reason}: "
                               f"{_excerpt(response)}")


def _excerpt(response: requests.Response) -> str:
    return response.text.strip().replace("\n", " ")[:300] or "(no body)"


__all__ = ["Credentials", "PublishError", "Target"]
