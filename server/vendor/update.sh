#!/usr/bin/env bash
# Refresh the browser libraries in server/static/vendor/ from npm (exact versions in package.json,
# resolved by package-lock.json). Only needed when upgrading them: the copies are committed, and the
# server never fetches anything from a CDN.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/../static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --silent)
modules="$work/node_modules"
mkdir -p "$target/cytoscape" "$target/yasgui"
cp "$modules/cytoscape/dist/cytoscape.min.js" "$modules/cytoscape/LICENSE" "$target/cytoscape/"
cp "$modules/@zazuko/yasgui/build/yasgui.min.js" "$modules/@zazuko/yasgui/build/yasgui.min.css" "$target/yasgui/"
cp "$here/yasgui-LICENSE" "$target/yasgui/LICENSE"
cytoscape_version="$(node -p "require('$modules/cytoscape/package.json').version")"
yasgui_version="$(node -p "require('$modules/@zazuko/yasgui/package.json').version")"
{
  echo "# Vendored browser libraries"
  echo
  echo "Copied by \`server/vendor/update.sh\` from npm; served by the app under \`/static/vendor/\` (no CDN)."
  echo
  echo "| library | version | licence | file | bytes | sha256 |"
  echo "|---|---|---|---|---|---|"
  for f in cytoscape/cytoscape.min.js yasgui/yasgui.min.js yasgui/yasgui.min.css; do
    case "$f" in cytoscape/*) name="cytoscape"; version="$cytoscape_version";; *) name="@zazuko/yasgui"; version="$yasgui_version";; esac
    echo "| $name | $version | MIT | \`$f\` | $(wc -c < "$target/$f") | \`$(sha256sum "$target/$f" | cut -d' ' -f1)\` |"
  done
  echo
  echo "The YASGUI bundle includes YASQE, YASR and their dependencies: mostly MIT (CodeMirror 5, DataTables,"
  echo "jQuery, N3.js, lodash, choices.js, SortableJS, …), with autocomplete.js and fuse.js under Apache-2.0,"
  echo "DOMPurify under MPL-2.0 OR Apache-2.0, column-resizer and ieee754 under BSD-3-Clause and Font Awesome"
  echo "icons under CC-BY-4.0 AND MIT (\`npm ls --all\` in a copy of \`server/vendor/\` lists them). Its npm package"
  echo "ships no licence file, so \`yasgui/LICENSE\` reproduces the upstream one."
} > "$target/README.md"
echo "vendored cytoscape $cytoscape_version and @zazuko/yasgui $yasgui_version into $target"
