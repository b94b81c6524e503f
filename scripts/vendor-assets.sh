#!/usr/bin/env bash
# Refreshes the front-end assets vendored under static/vendor/ from the npm registry.
# The files are committed: the zone's intranet has no internet and no CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP=5.3.9
HTMX=2.0.11
ICONS=1.13.2
ECHARTS=6.1.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "bootstrap-icons@$ICONS" \
  "echarts@$ECHARTS" >/dev/null)
for t in "$tmp"/*.tgz; do mkdir -p "${t%.tgz}" && tar -xzf "$t" -C "${t%.tgz}"; done
out=static/vendor
rm -rf "$out/bootstrap" "$out/htmx" "$out/bootstrap-icons" "$out/echarts"
mkdir -p "$out/bootstrap/css" "$out/bootstrap/js" "$out/htmx" "$out/bootstrap-icons/fonts" "$out/echarts"
cp "$tmp/bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" "$out/bootstrap/css/"
cp "$tmp/bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" "$out/bootstrap/js/"
cp "$tmp/bootstrap-$BOOTSTRAP/package/LICENSE" "$out/bootstrap/"
cp "$tmp/htmx.org-$HTMX/package/dist/htmx.min.js" "$out/htmx/"
cp "$tmp/htmx.org-$HTMX/package/LICENSE" "$out/htmx/"
cp "$tmp/bootstrap-icons-$ICONS/package/font/bootstrap-icons.min.css" "$out/bootstrap-icons/"
cp "$tmp/bootstrap-icons-$ICONS/package/font/fonts/"* "$out/bootstrap-icons/fonts/"
cp "$tmp/bootstrap-icons-$ICONS/package/LICENSE" "$out/bootstrap-icons/"
cp "$tmp/echarts-$ECHARTS/package/dist/echarts.min.js" "$out/echarts/"
cp "$tmp/echarts-$ECHARTS/package/LICENSE" "$tmp/echarts-$ECHARTS/package/NOTICE" "$out/echarts/"
printf 'echarts %s (npm pack echarts@%s: dist/echarts.min.js, LICENSE, NOTICE)\n' "$ECHARTS" "$ECHARTS" \
  > "$out/echarts/VERSION"
printf 'bootstrap %s\nhtmx.org %s\nbootstrap-icons %s\necharts %s\n' "$BOOTSTRAP" "$HTMX" "$ICONS" \
  "$ECHARTS" > "$out/VERSIONS"
echo "vendored into $out"
