#!/bin/sh
# Copy the front-end files the app serves from node_modules (installed by `npm ci`) into
# caseapp/static/vendor/. The copies are build output: git-ignored, never committed.
set -eu
cd "$(dirname "$0")/.."
src=node_modules
out=caseapp/static/vendor
rm -rf "$out"
mkdir -p "$out/fonts"
cp "$src/@digdir/designsystemet-css/dist/src/index.css" "$out/designsystemet.css"
cp "$src/@digdir/designsystemet-theme/src/themes/designsystemet.css" "$out/designsystemet-theme.css"
cp "$src/@digdir/designsystemet-web/dist/umd/index.js" "$out/designsystemet-web.js"
# Inter, Latin subset only (Norwegian needs nothing else), the weights the theme uses.
: > "$out/inter.css"
for weight in 400 500 600 700; do
  sed 's#\./files/#fonts/#g' "$src/@fontsource/inter/latin-$weight.css" >> "$out/inter.css"
  printf '\n' >> "$out/inter.css"
  cp "$src/@fontsource/inter/files/inter-latin-$weight-normal.woff2" \
     "$src/@fontsource/inter/files/inter-latin-$weight-normal.woff" "$out/fonts/"
done
for package in designsystemet-css designsystemet-theme designsystemet-web; do
  cp "$src/@digdir/$package/LICENSE" "$out/LICENSE.$package"
done
cp "$src/@fontsource/inter/LICENSE" "$out/LICENSE.inter"
echo "assets copied into $out"
