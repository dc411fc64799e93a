#!/usr/bin/env bash
# Creates the CPython reference environment (panther_analysis_tool + panther_core from PyPI,
# pinned as in ../shared/oracle/README.md) under .venv-pat unless it already exists.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PAT_VENV:-$root/.venv-pat}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import panther_analysis_tool, panther_core' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q panther-analysis-tool==1.11.1 panther-core==0.16.3 \
    panther-detection-helpers==0.4.0 pycountry==24.6.1 policyuniverse==1.5.1.20230817 requests \
    boto3==1.42.97 botocore==1.42.97
fi
echo "$venv/bin/python"
