#!/usr/bin/env bash
# Rebuild portal/static/vendor/ from npm (`make vendor`). The output is committed, so
# `make run` never needs Node and nothing is loaded from a CDN. Versions are pinned in the
# repository's package.json / package-lock.json; change them there, then run this script.
#
# What is copied, and why:
#   formio/      @formio/js: the full build (renderer + builder), its CSS, the Bootstrap
#                Icons font its CSS points at, and the licences (its own and its bundled
#                third parties').
#   bootstrap/   Bootstrap 5 CSS: the @formio/js 5 templates are Bootstrap 5 markup. Loaded
#                only on the pages that use @formio/js, never on the Bootstrap 3 officer
#                screens.
#   formio-cdn/  the libraries @formio/js loads at run time (Formio.requireLibrary) from
#                its CDN, in the CDN's layout: ace (code editor of the builder's settings),
#                flatpickr (date picker) and moment-timezone's zone data (date display). Pages point Formio.cdn at this folder, so a
#                library not here fails locally instead of being fetched from the internet.
#   chartjs/     Chart.js (UMD build) and its licence: the indicator dashboard draws its
#                charts in the browser from JSON.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="$root/portal/static/vendor"
nm="$root/node_modules"

cd "$root"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts
else
  npm install --no-audit --no-fund --ignore-scripts
fi

rm -rf "$out/formio" "$out/bootstrap" "$out/formio-cdn" "$out/chartjs"
mkdir -p "$out/formio/fonts" "$out/bootstrap" \
  "$out/formio-cdn/ace" "$out/formio-cdn/flatpickr-formio/l10n" \
  "$out/formio-cdn/moment-timezone/data/packed"

# @formio/js
fjs="$nm/@formio/js"
cp "$fjs/dist/formio.full.min.js" "$fjs/dist/formio.full.min.css" "$out/formio/"
cp "$fjs/dist/formio.full.min.js.LICENSE.txt" "$out/formio/THIRD-PARTY-NOTICES.txt"
cp "$fjs/LICENSE.txt" "$out/formio/LICENSE.txt"
cp "$fjs/dist/fonts/bootstrap-icons.woff" "$fjs/dist/fonts/bootstrap-icons.woff2" \
  "$out/formio/fonts/"
cp "$nm/bootstrap-icons/LICENSE" "$out/formio/fonts/LICENSE-bootstrap-icons.txt"
# The Bootstrap 5 templates ship in @formio/bootstrap, bundled into formio.full.min.js.
cp "$nm/@formio/bootstrap/LICENSE" "$out/formio/LICENSE-formio-bootstrap.txt"

# Bootstrap 5 CSS
cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$out/bootstrap/"
cp "$nm/bootstrap/LICENSE" "$out/bootstrap/LICENSE.txt"

# Chart.js
mkdir -p "$out/chartjs"
cp "$nm/chart.js/dist/chart.umd.min.js" "$out/chartjs/"
cp "$nm/chart.js/LICENSE.md" "$out/chartjs/LICENSE.md"

# Run-time libraries, in the layout Formio.cdn expects (<base>/<lib>/<file>).
ace="$nm/ace-builds/src-min-noconflict"
cp "$ace/ace.js" "$ace/ext-language_tools.js" "$ace/theme-xcode.js" "$out/formio-cdn/ace/"
for mode in html json javascript css; do
  cp "$ace/mode-$mode.js" "$ace/worker-$mode.js" "$out/formio-cdn/ace/"
done
cp "$nm/ace-builds/LICENSE" "$out/formio-cdn/ace/LICENSE.txt"
fp="$nm/flatpickr/dist"
cp "$fp/flatpickr.min.js" "$fp/flatpickr.min.css" "$out/formio-cdn/flatpickr-formio/"
# @formio/js asks for l10n/flatpickr-<lang>.js and waits until window["flatpickr-<lang>"]
# exists (its CDN copy sets it); upstream names the file l10n/<lang>.js and only registers
# flatpickr.l10ns.<lang>, so add that global or a Latvian date picker would wait forever.
for lang in lv; do
  {
    cat "$fp/l10n/$lang.js"
    printf '\nwindow["flatpickr-%s"] = window.flatpickr && window.flatpickr.l10ns["%s"];\n' \
      "$lang" "$lang"
  } > "$out/formio-cdn/flatpickr-formio/l10n/flatpickr-$lang.js"
done
cp "$nm/flatpickr/LICENSE.md" "$out/formio-cdn/flatpickr-formio/LICENSE.md"
# Date components fetch the zone data whenever they format a date.
mtz="$nm/moment-timezone"
cp "$mtz/data/packed/latest.json" "$out/formio-cdn/moment-timezone/data/packed/"
cp "$mtz/LICENSE" "$out/formio-cdn/moment-timezone/LICENSE.txt"

{
  echo "Built by portal/static/vendor/build.sh from npm (versions from package-lock.json):"
  for pkg in @formio/js @formio/bootstrap bootstrap bootstrap-icons ace-builds flatpickr \
      moment-timezone chart.js; do
    printf '  %s %s\n' "$pkg" "$(node -p "require('$nm/$pkg/package.json').version")"
  done
} > "$out/VERSIONS.txt"
echo "Vendored files are in $out:"
cat "$out/VERSIONS.txt"
