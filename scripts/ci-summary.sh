#!/usr/bin/env bash
# Writes a run's result as Markdown, for a CI job summary (GitHub: >> $GITHUB_STEP_SUMMARY):
# a heading with the exit code, then job-summary.md, which the suite renders from the run's
# model (the counts, each failing spec with its checks, the profiles, the comparison, the
# skips), masked. Nothing here reads the reports' JSON or XML.
#   bash scripts/ci-summary.sh REPORT_DIR EXIT_CODE
set -euo pipefail
dir=${1:?usage: ci-summary.sh REPORT_DIR EXIT_CODE}
code=${2:?usage: ci-summary.sh REPORT_DIR EXIT_CODE}

case "$code" in
  0) echo "## Conformance: passed" ;;
  2) echo "## Conformance: not run (a mistake in the settings; see the log)" ;;
  *) echo "## Conformance: FAILED (exit code $code)" ;;
esac
echo
if [ -f "$dir/job-summary.md" ]; then
  cat "$dir/job-summary.md"
else
  echo "No report was written to \`$dir\`."
fi
