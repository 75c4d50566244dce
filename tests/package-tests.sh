#!/usr/bin/env bash
# The package and regeneration checks (run by .ci/run; runnable alone). Each check prints PASS or FAIL;
# the last line is "package-tests: N passed, N failed".
#  - pack: dotnet pack makes Marketplace.Client.<version>.nupkg and .snupkg, warning-free, from this clone
#  - layout: lib/netstandard2.0 and lib/net10.0 with XML docs, the README, a repository element with the commit
#  - identity: Apache-2.0; a repository URL only from a network origin, without its credentials; none invented
#  - testing-layout: Marketplace.Client.Testing has its README and XML docs and depends on exactly this Marketplace.Client
#  - consume: a console app outside the repository, referencing the package by version from a local feed
#    (dependencies from the registry), lists the recorded instances; the .snupkg embeds the generated source
#  - consumer-tests: a consumer's test project outside the repository, with both packages from the feed, tests its own
#    service with a faked IMarketplaceClient and against MarketplaceTestServer (tests/ConsumerTests)
#  - regenerate: in a copy of the repository, a build with no change does not run the generation step, renaming or
#    deleting a fragment does (and the deleted fragment's overlay actions then fail the build), an NSwag
#    upgrade and a description edit do, a new property in a fragment reaches the built assembly, a new list fragment is named by rule (no
#    overlay action) and gets paging, RQL and its interface members by generation
#    (tests/RegenerationCheck drives it through 250 items), a fragment of writes (POST 201, GET by id, PUT, DELETE 204,
#    actions with and without a body, a multipart upload, a binary download) is named by rule, one name overridden by
#    the overlay, builds warning-free and works in the class and the interface, a POST answered 503 sent exactly once and one answered 429
#    sent again, a download three times MaxResponseBytes delivered whole, a list whose path takes {thing-id}, an integer
#    and segments named query, options and limit seeded through the test server and paged and streamed, and a conflicting redefinition of a shared component
#    fails the build naming the component and both files
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
passed=0 failed=0

run() {
  local name=$1; shift
  if "$@" >"$work/$name.log" 2>&1; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name"; sed 's/^/    /' "$work/$name.log" | tail -40; failed=$((failed + 1))
  fi
}

suffix="check.$(date -u +%Y%m%d%H%M%S).$$"
feed="$work/feed"

pack() {
  dotnet pack "$repo/src/Marketplace.Client/Marketplace.Client.csproj" -c Release -o "$feed" -p:VersionSuffix="$suffix" -warnaserror || return 1
  dotnet pack "$repo/src/Marketplace.Client.Testing/Marketplace.Client.Testing.csproj" -c Release -o "$feed" -p:VersionSuffix="$suffix" -warnaserror || return 1
  ls "$feed"/Marketplace.Client.*-"$suffix".nupkg "$feed"/Marketplace.Client.*-"$suffix".snupkg
}
run pack pack
nupkg=$(ls "$feed"/Marketplace.Client.[0-9]*.nupkg 2>/dev/null | head -1)
version=$(basename "${nupkg:-none}" .nupkg | sed 's/^Marketplace\.Client\.//')
testing_nupkg="$feed/Marketplace.Client.Testing.$version.nupkg"

layout() {
  local listing; listing=$(unzip -l "$nupkg") || return 1
  echo "$listing"
  for f in lib/netstandard2.0/Marketplace.Client.dll lib/netstandard2.0/Marketplace.Client.xml \
           lib/net10.0/Marketplace.Client.dll lib/net10.0/Marketplace.Client.xml README.md; do
    grep -q " $f\$" <<<"$listing" || { echo "missing $f"; return 1; }
  done
  local commit; commit=$(git -C "$repo" rev-parse HEAD)
  unzip -p "$nupkg" Marketplace.Client.nuspec | grep -E "<repository [^>]*commit=\"$commit\"" || { echo "nuspec lacks <repository commit=\"$commit\">"; return 1; }
}
run layout layout

testing_layout() {
  # The Testing package: its own README, XML docs, the same license, and an exact dependency on the client of its version
  # (its seeding methods use the client's internals).
  local listing; listing=$(unzip -l "$testing_nupkg") || return 1
  echo "$listing"
  for f in lib/net10.0/Marketplace.Client.Testing.dll lib/net10.0/Marketplace.Client.Testing.xml README.md; do
    grep -q " $f\$" <<<"$listing" || { echo "missing $f"; return 1; }
  done
  local nuspec; nuspec=$(unzip -p "$testing_nupkg" Marketplace.Client.Testing.nuspec) || return 1
  echo "$nuspec"
  grep -q "<dependency id=\"Marketplace.Client\" version=\"\[$version\]\"" <<<"$nuspec" || { echo "the dependency on Marketplace.Client is not exactly [$version]"; return 1; }
  grep -q '<license type="expression">Apache-2.0</license>' <<<"$nuspec" || { echo "the license is not Apache-2.0"; return 1; }
  unzip -p "$testing_nupkg" README.md | grep -q "MarketplaceTestServer.Start()" || { echo "the package README does not show the server"; return 1; }
}
run testing-layout testing_layout

identity() {
  # Apache-2.0, validated across both target frameworks (EnablePackageValidation runs in pack), and a repository URL only
  # when the origin is a network URL: this clone's own origin, then a clone whose origin carries CI credentials.
  local nuspec; nuspec=$(unzip -p "$nupkg" Marketplace.Client.nuspec) || return 1
  grep -q '<license type="expression">Apache-2.0</license>' <<<"$nuspec" || { echo "the license is not Apache-2.0"; return 1; }
  local origin; origin=$(git -C "$repo" config --get remote.origin.url || true)
  if [[ "$origin" =~ ^(https|http|ssh|git):// ]]; then
    grep -q '<repository [^>]*url="' <<<"$nuspec" || { echo "origin $origin is not the repository URL"; return 1; }
  else
    if grep -q '<repository [^>]*url=' <<<"$nuspec"; then echo "a repository URL was invented for origin '$origin'"; return 1; fi
  fi
  git clone -q "$repo" "$work/remote-clone" || return 1
  git -C "$work/remote-clone" remote set-url origin "https://ci-user:ci-secret@git.example.com/team/marketplace-client.git"
  dotnet pack "$work/remote-clone/src/Marketplace.Client/Marketplace.Client.csproj" -c Release -o "$work/remote-feed" -p:VersionSuffix="$suffix" -warnaserror || return 1
  local other; other=$(unzip -p "$work/remote-feed/Marketplace.Client.$version.nupkg" Marketplace.Client.nuspec) || return 1
  grep -E '<repository [^>]*url="https://git.example.com/team/marketplace-client.git"' <<<"$other" || { echo "$other"; echo "the origin's URL is not the repository URL"; return 1; }
  grep -q '<projectUrl>https://git.example.com/team/marketplace-client</projectUrl>' <<<"$other" || { echo "no project URL from the origin"; return 1; }
  if grep -q 'ci-secret' <<<"$other"; then echo "the origin's credentials reached the package"; return 1; fi
}
run identity identity

consume() {
  mkdir -p "$work/consumer" "$work/symbols"
  cp "$repo/tests/PackageConsumption/Consumer.csproj" "$repo/tests/PackageConsumption/Program.cs" "$work/consumer/"
  cat >"$work/consumer/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="marketplace-client-under-test" value="$feed" />
  </packageSources>
</configuration>
CONFIG
  unzip -q -o "$feed/Marketplace.Client.$version.snupkg" -d "$work/symbols" || return 1
  dotnet run --project "$work/consumer/Consumer.csproj" -p:MarketplaceClientVersion="$version" -- \
    "$repo/tests/Marketplace.Client.Tests/Recordings" "$work/symbols/lib/net10.0/Marketplace.Client.pdb"
}
run consume consume

consumer_tests() {
  # A consumer's own test project, from the local feed only: a faked IMarketplaceClient and the Testing package's server.
  mkdir -p "$work/consumer-tests"
  cp "$repo"/tests/ConsumerTests/*.cs "$repo"/tests/ConsumerTests/ConsumerTests.csproj "$work/consumer-tests/"
  cp "$work/consumer/nuget.config" "$work/consumer-tests/"
  dotnet test "$work/consumer-tests/ConsumerTests.csproj" -p:MarketplaceClientVersion="$version" 2>&1 | tee "$work/consumer-dotnet-test.log"
  local status=${PIPESTATUS[0]}
  grep -E "Passed! +- +Failed: +0, +Passed: +[1-9]" "$work/consumer-dotnet-test.log" || { echo "the consumer's tests did not all pass (exit $status)"; return 1; }
  [ "$status" -eq 0 ]
}
run consumer-tests consumer_tests

copy=$work/regen
git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 cp --parents -t "$(mkdir -p "$copy" && echo "$copy")")
build_copy() { dotnet build "$copy/src/Marketplace.Client/Marketplace.Client.csproj" -f net10.0 -c Debug "$@"; }
# The generation target announces itself at normal verbosity; whether a build regenerated is read from that, not from
# the generated file's timestamp (NSwag does not rewrite an unchanged file, so a timestamp proves nothing).
generation_message="Marketplace.Client: generating the client from"
generated="$copy/src/Marketplace.Client/obj/Debug/net10.0/MarketplaceClient.g.cs"

no_change_no_regeneration() {
  build_copy | tee "$work/first-build.log" || return 1
  grep -q "$generation_message" "$work/first-build.log" || { echo "the first build of the copy did not generate"; return 1; }
  build_copy | tee "$work/second-build.log" || return 1
  if grep -q "$generation_message" "$work/second-build.log"; then echo "a build with no change ran the generation step again"; return 1; fi
}
run no-change-no-regeneration no_change_no_regeneration

generator_upgrade_regenerates() {
  # An NSwag.MSBuild upgrade changes only the tool's path (its version folder); a copy of the tool under another version
  # stands in for one. No file of the repository changes.
  local current; current=$(dotnet msbuild "$copy/src/Marketplace.Client/Marketplace.Client.csproj" -getProperty:NSwagExe_Net100 -p:TargetFramework=net10.0 | sed -E 's/^dotnet "(.*)"$/\1/')
  [ -f "$current" ] || { echo "cannot find the NSwag tool: '$current'"; return 1; }
  local upgraded="$work/packages/nswag.msbuild/99.0.0/tools/Net100"
  mkdir -p "$upgraded" && cp -r "$(dirname "$current")"/. "$upgraded"/ || return 1
  build_copy -p:NSwagExe_Net100="dotnet \"$upgraded/dotnet-nswag.dll\"" | tee "$work/upgrade-build.log" || return 1
  grep -q "$generation_message" "$work/upgrade-build.log" || { echo "a new NSwag version did not regenerate the client"; return 1; }
  build_copy -p:NSwagExe_Net100="dotnet \"$upgraded/dotnet-nswag.dll\"" | tee "$work/upgrade-again.log" || return 1
  if grep -q "$generation_message" "$work/upgrade-again.log"; then echo "the same new version regenerated again"; return 1; fi
  build_copy >/dev/null || return 1
}
run generator-upgrade-regenerates generator_upgrade_regenerates

description_edit_regenerates() {
  # A response's description reaches NSwag's client (the file the surface generator reads the operations from).
  local client="$copy/src/Marketplace.Client/obj/Debug/net10.0/MarketplaceRestClient.g.cs"
  local before; before=$(md5sum < "$client")
  sed -i 's/"description":"OK"/"description":"One page of the extension'"'"'s instances."/' "$copy/openapi/list-extension-instances.json"
  build_copy || return 1
  [ "$(md5sum < "$client")" != "$before" ] || { echo "editing a description did not change $client"; return 1; }
  grep -q "One page of the extension's instances." "$client" || { echo "the new description is not in the generated code"; return 1; }
}
run description-edit-regenerates description_edit_regenerates

new_property_reaches_the_assembly() {
  sed -i 's/"Instance":{"type":"object","properties":{/"Instance":{"type":"object","properties":{"supportTier":{"type":"string","description":"Added by the regeneration check."},/' \
    "$copy/openapi/list-extension-instances.json"
  grep -q supportTier "$copy/openapi/list-extension-instances.json" || { echo "the fragment edit did not apply"; return 1; }
  build_copy || return 1
  grep -q 'public string? SupportTier' "$generated" || { echo "SupportTier is not in the generated code"; return 1; }
  grep -aq SupportTier "$copy/src/Marketplace.Client/bin/Debug/net10.0/Marketplace.Client.dll" || { echo "SupportTier is not in the built assembly"; return 1; }
  grep -q 'RqlField SupportTier { get; } = new global::Marketplace.Client.Query.RqlField("supportTier")' \
    "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/Fields.g.cs || { echo "InstanceFields.SupportTier was not generated"; return 1; }
}
run new-property-reaches-the-assembly new_property_reaches_the_assembly

new_list_fragment_gets_the_collection_surface() {
  # A third fragment written the way the seeds are: a list operation with no operationId and no query parameters. It is
  # named by rule (ListInstances), with no overlay action.
  sed -e 's|"/public/v1/integration/extensions/{extensionId}/instances"|"/public/v1/integration/instances"|' \
      -e 's|"parameters":\[{"name":"extensionId","in":"path","required":true,"schema":{"type":"string"}}\],||' \
      "$copy/openapi/list-extension-instances.json" > "$copy/openapi/list-instances.json"
  grep -q '"/public/v1/integration/instances":{"get":{"tags":\["Instance"\],"responses"' "$copy/openapi/list-instances.json" \
    || { echo "the new fragment was not written as expected"; return 1; }
  build_copy -warnaserror || return 1
  grep -q "ListAllInstancesAsync" "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/MarketplaceClient.Operations.g.cs \
    || { echo "the new list operation was not named ListInstances by rule"; return 1; }
}
run new-list-fragment-gets-the-collection-surface new_list_fragment_gets_the_collection_surface

new_write_fragment_gets_every_operation_shape() {
  # A fragment of writes as the platform publishes them (no operationId, {id} path parameters, problem-details error
  # bodies, the shared Instance schema by reference): POST 201, GET by id, PUT, DELETE 204, an action answering 204, an
  # action with a body, a multipart/form-data upload (a JSON part and a file part) and a binary download. Named by rule
  # and nothing else edited, it must build with warnings as errors (every parameter documented); with one name
  # overridden by the overlay, every method must work in the class and the interface (RegenerationCheck).
  cp "$repo/tests/RegenerationCheck/fragments/instance-writes.json" "$copy/openapi/instance-writes.json" || return 1
  # Named by rule, no overlay action: every method by its shape.
  build_copy -warnaserror >"$work/unnamed-writes.log" 2>&1 || { tail -30 "$work/unnamed-writes.log"; echo "the write fragment does not build without overlay actions"; return 1; }
  local operations; operations=$(echo "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/MarketplaceClient.Operations.g.cs)
  local op
  for op in CreateInstance GetInstance UpdateInstance DeleteInstance DisconnectInstance RenameInstance CreateInstanceAttachment \
            DownloadInstanceAttachment UpdateInstanceAttachment NotifyInstance ListThingVersionSearchPageInstances; do
    grep -q " ${op}Async(" $operations || { echo "the rule did not name ${op}"; return 1; }
  done
  # The overlay overrides a rule name (ListThingVersionSearchPageInstances becomes ListThingInstances).
  sed -i '/  "actions": \[/r '"$repo/tests/RegenerationCheck/fragments/instance-writes.overlay-actions.txt" "$copy/openapi/overlay.json" || return 1
  build_copy -warnaserror | tee "$work/writes-build.log" || return 1
  if grep -E "warning (CS1573|CS1591|MPGEN)" "$work/writes-build.log"; then echo "the write operations build with warnings"; return 1; fi
  if grep -E "<returns>(OK|Created|No Content)</returns>|A server side error occurred|can be used by other objects" $operations; then
    echo "NSwag's boilerplate reached the public docs"; return 1
  fi
  dotnet run --project "$copy/tests/RegenerationCheck/RegenerationCheck.csproj"
}
run new-write-fragment-gets-every-operation-shape new_write_fragment_gets_every_operation_shape

renaming_or_deleting_a_fragment_regenerates() {
  # Generation is keyed on the set of inputs and their contents, not only on timestamps. A rename keeps the file's
  # timestamp (nothing is newer than the last generation) and must regenerate; a deletion must too, and then the overlay
  # actions that named its operations fail the build; once they go, so do the operations.
  local operations; operations=$(echo "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/MarketplaceClient.Operations.g.cs)
  mv "$copy/openapi/instance-writes.json" "$copy/openapi/instance-writes-renamed.json" || return 1
  build_copy | tee "$work/renamed-build.log" || return 1
  grep -q "$generation_message" "$work/renamed-build.log" || { echo "renaming a fragment did not regenerate"; return 1; }
  rm "$copy/openapi/instance-writes-renamed.json"
  if build_copy >"$work/deleted-build.log" 2>&1; then echo "the build passed with overlay actions naming operations of a deleted fragment"; return 1; fi
  # One MSBuild error at the overlay's action (file(line,col)), quoting its target.
  grep -E "overlay\.json\([0-9]+,[0-9]+\): error MPSPEC003: .*\(Name the new operation \(the regeneration check's write fragment\).*its target \"\\\$\.paths\['/public/v1/integration/things/.*matches nothing in the merged spec" "$work/deleted-build.log" >/dev/null \
    || { tail -20 "$work/deleted-build.log"; echo "the failure does not name the stale overlay action at its place"; return 1; }
  sed -i "/the regeneration check's write fragment/d" "$copy/openapi/overlay.json"
  build_copy || return 1
  if grep -q "DisconnectInstanceAsync" $operations; then echo "the deleted operations are still in the client"; return 1; fi
  build_copy | tee "$work/after-delete.log" || return 1
  if grep -q "$generation_message" "$work/after-delete.log"; then echo "a build with no change after the deletion regenerated"; return 1; fi
}
run renaming-or-deleting-a-fragment-regenerates renaming_or_deleting_a_fragment_regenerates

enum_values_added_anywhere_keep_numbers_and_never_break_the_build() {
  local kinds; kinds=$(echo "$copy"/src/Marketplace.Client/obj/Debug/net10.0/generated/*/*/EnumKinds.g.cs)
  local running; running=$(grep -o 'Running = [0-9]*' $kinds | head -1)
  [ -n "$running" ] || { echo "no InstanceStatusKind.Running in $kinds"; return 1; }
  # New values first in the list, and values whose names collide with the struct's and the Kind enum's members
  # (in every fragment that defines Instance, so they stay identical).
  sed -i 's/"status":{"enum":\["Connecting","Disconnected","Running","Deleted"\]/"status":{"enum":["Suspended","Unknown","Kind","IsKnown","KnownValues","JsonConverter","InstanceStatus","Connecting","Disconnected","Running","Deleted"]/' \
    "$copy"/openapi/list-*.json
  grep -q '"Suspended","Unknown","Kind"' "$copy/openapi/list-extension-instances.json" || { echo "the fragment edit did not apply"; return 1; }
  build_copy || return 1
  grep -q "$running," $kinds || { echo "InstanceStatusKind.Running is no longer '$running'"; grep -A30 'enum InstanceStatusKind' $kinds; return 1; }
  grep -q 'UnknownValue = ' $kinds && grep -q 'KindValue = ' $kinds && grep -q 'InstanceStatusValue = ' $kinds \
    || { echo "colliding names were not mapped"; grep -A40 'enum InstanceStatusKind' $kinds; return 1; }
}
run enum-values-added-anywhere-keep-numbers-and-never-break-the-build enum_values_added_anywhere_keep_numbers_and_never_break_the_build

conflict_fails_the_build() {
  sed -i 's/"ExtensionRef":{"type":"object","properties":{"id":{"type":"string"}/"ExtensionRef":{"type":"object","properties":{"id":{"type":"integer"}/' \
    "$copy/openapi/list-installations.json"
  if build_copy >"$work/conflict-build.log" 2>&1; then echo "the build passed despite a conflicting ExtensionRef"; return 1; fi
  grep -E "error MPSPEC001: Component 'schemas/ExtensionRef' is defined differently in 'list-extension-instances.json' and 'list-installations.json'" "$work/conflict-build.log" \
    || { cat "$work/conflict-build.log"; return 1; }
}
run conflict-fails-the-build conflict_fails_the_build

echo "package-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
