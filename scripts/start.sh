#!/usr/bin/env bash
# `npm start`, README's first command. On a fresh machine (Debian/Ubuntu, root, Node >= 20.19) it does all the
# set-up and runs the main job once:
#   1. installs the Node packages (npm ci; skipped when node_modules already matches package-lock.json) and builds
#   2. brings up the local test cluster (test/cluster/up.sh: builds it from source when its cache is cold, ~9 min;
#      ~20 s warm; ~3 s when it already runs)
#   3. runs `netpol-e2e run suites/` against it and writes the reports to reports/ (junit.xml, report.json,
#      summary.md)
# Exits with the run's exit code. The cluster stays up for `npm test`; `npm run cluster:down` stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPORTS_DIR=${NETPOL_E2E_REPORTS:-reports}
step() { printf '\n==> %s (%s)\n' "$*" "$(date -u +%H:%M:%S)" >&2; }
started=$(date +%s)

lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.netpol-e2e-installed
if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${lock_sum}" && -f dist/cli/main.js ]]; then
  step "install: node_modules matches package-lock.json; building (npm run build)"
  npm run --silent build
else
  step "install: npm ci (also builds dist/)"
  npm ci --no-audit --no-fund
  echo "${lock_sum}" >"${stamp}"
fi

step "local test cluster: npm run cluster:up (builds it when its cache is cold)"
kubeconfig_line=$(npm run --silent cluster:up | tail -n 1)
case "${kubeconfig_line}" in
  KUBECONFIG=*) kubeconfig=${kubeconfig_line#KUBECONFIG=} ;;
  *) echo "npm start: cluster:up did not end with KUBECONFIG=<path> (last line: ${kubeconfig_line}); see its output above" >&2; exit 3 ;;
esac

step "the main job: netpol-e2e run suites/ (reports in ${REPORTS_DIR}/)"
mkdir -p "${REPORTS_DIR}"
status=0
node dist/cli/main.js run suites/ --kubeconfig "${kubeconfig}" \
  --junit "${REPORTS_DIR}/junit.xml" --json "${REPORTS_DIR}/report.json" --markdown "${REPORTS_DIR}/summary.md" \
  || status=$?

step "done in $(( $(date +%s) - started )) s: exit ${status}"
cat >&2 <<MSG
  reports: ${REPORTS_DIR}/junit.xml, ${REPORTS_DIR}/report.json, ${REPORTS_DIR}/summary.md
  again, or on your own suites:
    npx netpol-e2e run suites/ --kubeconfig ${kubeconfig} --junit ${REPORTS_DIR}/junit.xml
  the tests: npm test          stop the cluster: npm run cluster:down
MSG
exit "${status}"
