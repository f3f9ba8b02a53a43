#!/usr/bin/env bash
# Validates the Kubernetes manifests in cluster/kubernetes/ against the Kubernetes API schemas,
# offline, with kubernetes-validate --strict (unknown fields are errors). Run from the repository
# root:
#   cluster/kubernetes/validate.sh
# The first run makes a Python virtual environment at ${MNEMO_K8S_VENV:-cluster/kubernetes/.venv}
# and installs kubernetes-validate from PyPI into it; later runs reuse it. Exit status: 0 when every
# manifest passes, 1 otherwise, 2 on a setup error.
set -euo pipefail

dir=cluster/kubernetes
if [[ ! -d $dir ]]; then
    echo "validate.sh: run from the repository root ($dir not found)" >&2
    exit 2
fi
venv=${MNEMO_K8S_VENV:-$dir/.venv}
# The Kubernetes API version whose schemas the manifests are checked against.
k8s_version=${MNEMO_K8S_VERSION:-1.35.0}

if [[ ! -x $venv/bin/kubernetes-validate ]]; then
    echo "making $venv with kubernetes-validate (once)" >&2
    python3 -m venv "$venv" || exit 2
    "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate || exit 2
fi

status=0
for manifest in "$dir"/*.yaml; do
    if ! "$venv/bin/kubernetes-validate" --strict --kubernetes-version "$k8s_version" "$manifest"; then
        echo "FAILED: $manifest" >&2
        status=1
    fi
done
exit "$status"
