#!/usr/bin/env bash
# npm run mutate [-- <folder>...]: StrykerJS over handlers/, components/ and local/ (or the folders named), one
# folder at a time, concurrency 1 (MUTATE_CONCURRENCY=2 on an idle machine). Installs Stryker into
# tools/mutate/node_modules on first use, so the root `npm ci` stays lean. Reports: reports/mutation/<folder>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [ ! -d tools/mutate/node_modules/@stryker-mutator/core ]; then
  npm ci --prefix tools/mutate --no-audit --no-fund
fi
folders=("$@")
[ ${#folders[@]} -eq 0 ] && folders=(handlers components local)
mkdir -p reports/mutation
for folder in "${folders[@]}"; do
  echo "== mutate ${folder}/"
  start=$(date +%s)
  MUTATE_FOLDER="$folder" tools/mutate/node_modules/.bin/stryker run tools/mutate/stryker.config.mjs
  echo "== ${folder}/ took $(( $(date +%s) - start )) s"
done
node tools/mutate/score.mjs "${folders[@]}"
