#!/usr/bin/env bash
# Re-creates the JavaScript the offline handbook and slides load instead of CDNs. The files are
# committed, so nobody needs to run this to build the book; it documents where each file comes from
# and updates them when a version below changes. Needs `npm` (only `npm pack`: nothing is installed).
#
#   widgets/embed.js + *.woff2   @jupyter-widgets/html-manager (ipywidgets 8 embed manager, BSD-3).
#                                The non-AMD bundle: it renders the embedded widget state on page load
#                                and needs no require.js. The woff2 files are its Font Awesome icons.
#   reveal/dist/                 reveal.js 4.0.2 (MIT), the version nbconvert's reveal template targets;
#                                the theme's web-font @import is removed (Chinese text uses CJK fonts).
set -euo pipefail
HTML_MANAGER=1.0.15
REVEAL=4.0.2
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@jupyter-widgets/html-manager@$HTML_MANAGER" "reveal.js@$REVEAL" >/dev/null
mkdir hm rv
tar xzf "jupyter-widgets-html-manager-$HTML_MANAGER.tgz" -C hm
tar xzf "reveal.js-$REVEAL.tgz" -C rv
rm -rf "$here/widgets" "$here/reveal"
mkdir -p "$here/widgets" "$here/reveal/dist/theme"
cp hm/package/dist/embed.js hm/package/dist/*.woff2 "$here/widgets/"
cp hm/package/LICENSE "$here/widgets/LICENSE" 2>/dev/null || cp hm/package/package.json "$here/widgets/package.json"
cp rv/package/dist/reveal.js rv/package/dist/reveal.css "$here/reveal/dist/"
cp rv/package/LICENSE "$here/reveal/"
sed '/@import url(fonts\//d' rv/package/dist/theme/white.css > "$here/reveal/dist/theme/white.css"
printf 'html-manager %s\nreveal.js %s\n' "$HTML_MANAGER" "$REVEAL" > "$here/VERSIONS"
echo "vendored into $here"
