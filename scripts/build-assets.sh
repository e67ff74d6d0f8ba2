#!/usr/bin/env bash
# Re-vendor the front-end assets. Run by hand when upgrading; the output is committed so that
# running or testing the app never needs Node. Needs node + npm (registry access).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund govuk-frontend@6.3.0 'sass@^1.79'
npm pack --silent htmx.org@2.0.11 >/dev/null
tar xzf htmx.org-2.*.tgz

cp package/dist/htmx.min.js "$here/static/vendor/htmx.min.js"
mkdir -p "$here/static/vendor/govuk-frontend"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map \
   "$here/static/vendor/govuk-frontend/"
# Only our own stylesheet is served: never the precompiled GOV.UK CSS (it loads the GOV.UK-only
# font) and never assets/fonts or assets/images (crown, crest).
cp "$here/assets/scss/council.scss" ./council.scss
npx sass --pkg-importer=node --style=compressed --no-source-map council.scss council.css
# The source's checksum goes last, so a test can tell when the built stylesheet is out of date
# (tests/unit/test_assets.py): edit the SCSS and run this script, never the CSS by hand.
{ cat council.css; printf '\n/*! built from assets/scss/council.scss sha256 %s */\n' \
    "$(sha256sum council.scss | cut -d' ' -f1)"; } >"$here/static/css/council.css"
sha256sum "$here/static/vendor/htmx.min.js" "$here/static/vendor/govuk-frontend/govuk-frontend.min.js"
