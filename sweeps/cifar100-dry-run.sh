#!/bin/bash
# A dry run of sweeps/cifar100-fz.yaml on this machine, on CPU: the recipe's trainer (train_torch.py,
# ResNet-18) and settings, on a generated stand-in for CIFAR-100 in its binary format (2,000 training
# and 500 test images of 3 × 32 × 32, 100 fine and 20 coarse classes, random pixels), 3 runs of one
# epoch, no GPU required. It shows that the recipe's pieces fit together (the data format, the prepared
# `{data}` of images, the command, its outputs, the scores) before GPU-days are spent on the real run.
#
#     sweeps/cifar100-dry-run.sh [PYTHON_BIN_DIR]
#
# PYTHON_BIN_DIR holds a python3 with PyTorch and numpy (e.g. a venv's bin; default: the python3 on
# PATH). Uses .build/release/mnemo (built when missing). Writes into a temporary folder it prints;
# exit status 0 when the sweep completed.
set -euo pipefail
[[ -f sweeps/cifar100-fz.yaml ]] || { echo "run it from the repository root" >&2; exit 1; }
if [[ -n "${1:-}" ]]; then export PATH="$1:$PATH"; fi
python3 -c 'import torch, numpy' 2>/dev/null || {
    echo "cifar100-dry-run: python3 ($(command -v python3)) lacks torch or numpy: give a venv's bin folder" >&2
    exit 1
}
[[ -x .build/release/mnemo ]] || swift build -c release --product mnemo
mnemo=$(pwd)/.build/release/mnemo
work=$(mktemp -d /tmp/mnemo-cifar100-dry-run.XXXXXX)
echo "cifar100-dry-run: working in $work"

# The stand-in, record by record as CIFAR-100's binary files: coarse label, fine label, 3,072 pixels.
python3 - "$work/cifar-100-binary" <<'EOF'
import os, sys
import numpy as np
folder = sys.argv[1]
os.makedirs(folder)
rng = np.random.default_rng(0)
for name, count in (("train.bin", 2000), ("test.bin", 500)):
    fine = rng.integers(0, 100, count, dtype=np.uint8)
    records = np.concatenate([(fine // 5)[:, None], fine[:, None], rng.integers(0, 256, (count, 3072), dtype=np.uint8)], axis=1)
    records.astype(np.uint8).tofile(os.path.join(folder, name))
EOF

# The recipe with the stand-in's path, 3 runs of one epoch, no GPU.
sed -e "s#path: /data/cifar-100-binary#path: $work/cifar-100-binary#" \
    -e "s#workdir: external#workdir: $(pwd)/sweeps/external#" \
    -e "s#requires: {gpus: 1}#requires: {gpus: 0}#" \
    -e "s#subsets: 4000#subsets: 3#" \
    -e "s#epochs: 60#epochs: 1#" \
    -e "s#warmup_epochs: 2#warmup_epochs: 0#" \
    -e "s#^name: cifar100-fz#name: cifar100-dry-run#" \
    sweeps/cifar100-fz.yaml > "$work/dry-run.yaml"
"$mnemo" plan "$work/dry-run.yaml"
start=$SECONDS
"$mnemo" run "$work/dry-run.yaml" --workers 2 --no-progress
echo "cifar100-dry-run: 3 runs of ResNet-18 on 2,000 + 500 stand-in images in $((SECONDS - start)) s"
