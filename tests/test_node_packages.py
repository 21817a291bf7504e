"""The Node packages of tests/js run on the Node version the README states: every locked package's
`engines.node` admits that major version, so `npm ci` installs without an EBADENGINE warning."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "tests" / "js"

CHECK = """
const semver = require('semver');
const [lock, major] = [require(process.argv[1]), process.argv[2]];
const refused = Object.entries(lock.packages)
  .filter(([, p]) => p.engines && p.engines.node && !semver.intersects(p.engines.node, `${major}.x`))
  .map(([name, p]) => `${name}@${p.version} needs node ${p.engines.node}`);
console.log(JSON.stringify(refused));
"""


def stated_major() -> int:
    found = re.search(r"Node\.js (\d+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README states which Node.js the tests need"
    return int(found.group(1))


def test_package_json_and_ci_ask_for_the_readmes_node() -> None:
    major = stated_major()
    assert json.loads((JS / "package.json").read_text())["engines"]["node"] == f">={major}"
    assert f'"$node_major" -lt {major} ]' in (ROOT / ".ci" / "run").read_text()


def test_every_locked_package_runs_on_the_readmes_node() -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed for tests/js (make test and .ci/run install it)"
    lock = JS / "package-lock.json"
    done = subprocess.run([node, "-e", CHECK, str(lock), str(stated_major())], cwd=JS, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    packages = json.loads(lock.read_text())["packages"]
    assert sum(1 for p in packages.values() if "engines" in p) > 50  # the check saw the whole tree
