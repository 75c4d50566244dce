#!/usr/bin/env bash
# The generation at the API's size (issue 35, item 6), in a copy of this repository: the seeds' two fragments, then
# the synthetic spec of write-spec.py beside them (about 700 operations of every shape, no operationIds), and for each:
# a clean build of src/Marketplace.Client (both target frameworks, restore excluded), a no-op build, and a build after
# touching a hand-written .cs. It prints each time and whether the build ran the generation step (the merge and NSwag),
# then the ratio of the clean builds. Run on demand (it takes minutes), never by `dotnet test`:
#   bash tests/SpecAtScale/measure.sh
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
copy=$work/repo
git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$(mkdir -p "$copy" && echo "$copy")")
project=$copy/src/Marketplace.Client/Marketplace.Client.csproj
message="Marketplace.Client: generating the client from"

seconds() { local start end; start=$(date +%s.%N); "$@" >"$work/last.log" 2>&1; local status=$?; end=$(date +%s.%N); echo "$end - $start" | bc; return $status; }
build() { dotnet build "$project" --no-restore -c Debug -nodeReuse:false; }
regenerated() { grep -q "$message" "$work/last.log" && echo yes || echo no; }

measure() {
  local label=$1
  rm -rf "$copy/src/Marketplace.Client/bin" "$copy/src/Marketplace.Client/obj/Debug"
  dotnet restore "$project" >/dev/null || return 1
  local clean noop touched
  clean=$(seconds build) || { tail -30 "$work/last.log"; echo "FAIL: the clean build ($label) failed"; return 1; }
  local clean_ran; clean_ran=$(regenerated)
  noop=$(seconds build) || return 1
  local noop_ran; noop_ran=$(regenerated)
  touch "$copy/src/Marketplace.Client/MarketplaceClient.cs"
  touched=$(seconds build) || return 1
  local touched_ran; touched_ran=$(regenerated)
  printf '%-28s clean %6.1f s (generation: %s)  no-op %5.1f s (generation: %s)  touched .cs %5.1f s (generation: %s)\n' \
    "$label" "$clean" "$clean_ran" "$noop" "$noop_ran" "$touched" "$touched_ran"
  echo "$clean" >"$work/$label.clean"
  [ "$clean_ran" = yes ] && [ "$noop_ran" = no ] && [ "$touched_ran" = no ]
}

status=0
measure two-fragments || status=1
python3 "$repo/tests/SpecAtScale/write-spec.py" "$copy/openapi" || exit 1
measure synthetic || status=1
operations=$(grep -c "^        public virtual " "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/MarketplaceClient.Operations.g.cs)
echo "public methods on MarketplaceClient with the synthetic spec: $operations"
if [ -f "$work/two-fragments.clean" ] && [ -f "$work/synthetic.clean" ]; then
  printf 'clean build, synthetic / two fragments: %.2f (target: at most 2.0)\n' "$(echo "$(cat "$work/synthetic.clean") / $(cat "$work/two-fragments.clean")" | bc -l)"
fi
exit $status
