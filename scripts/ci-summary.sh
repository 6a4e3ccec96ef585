#!/usr/bin/env bash
# Writes a run's result as Markdown, for a CI job summary (GitHub: >> $GITHUB_STEP_SUMMARY):
# pass or fail, the counts, each failed spec by name, and why specs were skipped. Reads
# only the masked reports the suite wrote, so no secret can reach the summary.
#   bash scripts/ci-summary.sh REPORT_DIR EXIT_CODE
set -euo pipefail
dir=${1:?usage: ci-summary.sh REPORT_DIR EXIT_CODE}
code=${2:?usage: ci-summary.sh REPORT_DIR EXIT_CODE}
junit="$dir/junit.xml"

case "$code" in
  0) echo "## Conformance: passed" ;;
  2) echo "## Conformance: not run (a mistake in the settings; see the log)" ;;
  *) echo "## Conformance: FAILED (exit code $code)" ;;
esac
if [ ! -f "$junit" ]; then
  echo
  echo "No report was written to \`$dir\`."
  exit 0
fi
# <testsuite ... tests="33" ... skipped="1" errors="0" failures="0" time="8.7">
suite=$(grep -o '<testsuite [^>]*>' "$junit" | head -1)
attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$suite"; }
echo
echo "| specs | failed | errors | skipped | seconds |"
echo "|---|---|---|---|---|"
echo "| $(attr tests) | $(attr failures) | $(attr errors) | $(attr skipped) | $(attr time | cut -d. -f1) |"
failed=$(grep -o '<testcase name="[^"]*" [^>]*status="\(failed\|panicked\|interrupted\|aborted\|timedout\)"' "$junit" |
  sed 's/<testcase name="\([^"]*\)".*status="\([a-z]*\)"/- \2: \1/' || true)
if [ -n "$failed" ]; then
  echo
  echo "### Failed"
  echo
  # The report's own XML escaping is left as it is (&#34; etc. read well enough in Markdown).
  echo "$failed"
fi
# The profiles, from conformance-report.json (written with a two-space indent: each
# profile's name, level and why on their own lines, in that order).
if [ -f "$dir/conformance-report.json" ]; then
  echo
  echo "### Conformance by profile"
  echo
  echo "| profile | level | why |"
  echo "|---|---|---|"
  awk '
    /^  "profiles": \[/ { inp = 1; next }
    inp && /^  \]/ { inp = 0 }
    inp && /^      "name": / { sub(/^      "name": "/, ""); sub(/",$/, ""); name = $0 }
    inp && /^      "level": / { sub(/^      "level": "/, ""); sub(/",$/, ""); level = $0 }
    inp && /^      "why": / { sub(/^      "why": "/, ""); sub(/",$/, ""); print "| " name " | " level " | " $0 " |" }
  ' "$dir/conformance-report.json"
fi
if [ -f "$dir/comparison.json" ]; then
  echo
  echo "### Compared with the last run"
  echo
  for group in newly_failing fixed still_failing newly_not_checked; do
    checks=$(awk -v g="\"$group\": [" '
      index($0, g) == 3 { in_g = 1; if ($0 ~ /\[\]/) { in_g = 0 }; next }
      in_g && /^  \]/ { in_g = 0 }
      in_g && /^      "check": / { sub(/^      "check": "/, ""); sub(/",$/, ""); printf "%s`%s`", sep, $0; sep = ", " }
    ' "$dir/comparison.json")
    echo "- ${group//_/ }: ${checks:-none}"
  done
fi
if [ -f "$dir/skipped.txt" ]; then
  echo
  echo "### Skipped"
  echo
  echo '```'
  cat "$dir/skipped.txt"
  echo '```'
fi
echo
echo "The reports (JUnit XML, Ginkgo JSON, the recorded pact) are attached to this run as an artifact."
