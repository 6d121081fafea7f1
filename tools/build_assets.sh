#!/bin/sh
# Copy the front-end files the app serves from node_modules (installed by `npm ci`) into
# caseapp/static/vendor/. The copies are build output: git-ignored, never committed.
set -eu
cd "$(dirname "$0")/.."
src=node_modules
out=caseapp/static/vendor
rm -rf "$out"
mkdir -p "$out/fonts"
# Designsystemet's CSS with only the components the app writes (tools/trim_css.py: index.css
# minus the selectors naming a ds- class no template, module or script contains; layers and
# order kept): 8 kB gzip instead of 21 kB on the render-blocking path of every first visit.
"${PYTHON:-.venv/bin/python}" tools/trim_css.py "$src/@digdir/designsystemet-css/dist/src/index.css" "$out/designsystemet.css"
cp "$src/@digdir/designsystemet-theme/src/themes/designsystemet.css" "$out/designsystemet-theme.css"
cp "$src/@digdir/designsystemet-web/dist/umd/index.js" "$out/designsystemet-web.js"
# The one part of it that pages without a form still need: the <details>/<summary> fix for
# Firefox on Android with TalkBack (a dependency of designsystemet-web, MIT; 1.8 kB; does
# nothing in other browsers). base.html loads it where a page has a <details> and no bundle.
cp "$src/@u-elements/u-details/dist/polyfill.js" "$out/details-polyfill.js"
# Inter, the weights the theme uses, subset by fontTools (pyftsubset, installed with
# `make install`) to what Norwegian text needs: Basic Latin and Latin-1 (æ ø å and the accented
# letters of names), dashes, quotes, bullet, ellipsis, euro and minus; kerning and tabular
# figures kept, the other OpenType features dropped. WOFF2 only (every browser the app supports
# reads it). Each font URL carries the file's fingerprint (?v=, the first 12 hex digits of its
# SHA-256, as caseapp/serving.py computes it), so fonts are cached for a year like the other
# static files and the <link rel="preload"> in templates/base.html asks for the same URL;
# font-display: optional, so text never jumps when a font arrives late (no layout shift).
pyftsubset=${PYFTSUBSET:-.venv/bin/pyftsubset}
unicodes="U+0020-007E,U+00A0-00FF,U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+20AC,U+2212"
: > "$out/inter.css"
for weight in 400 500 600 700; do
  font="$out/fonts/inter-$weight.woff2"
  "$pyftsubset" "$src/@fontsource/inter/files/inter-latin-$weight-normal.woff2" \
    --unicodes="$unicodes" --layout-features=kern,tnum --flavor=woff2 --output-file="$font"
  v=$(sha256sum "$font" | cut -c1-12)
  printf "@font-face{font-family:'Inter';font-style:normal;font-weight:%s;font-display:optional;src:url(fonts/inter-%s.woff2?v=%s) format('woff2');unicode-range:%s}\n" \
    "$weight" "$weight" "$v" "$unicodes" >> "$out/inter.css"
done
for package in designsystemet-css designsystemet-theme designsystemet-web; do
  cp "$src/@digdir/$package/LICENSE" "$out/LICENSE.$package"
done
cp "$src/@fontsource/inter/LICENSE" "$out/LICENSE.inter"
echo "assets copied into $out"
