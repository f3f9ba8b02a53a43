#!/bin/sh
# Planted effects on Fashion-MNIST, checked from the exports alone (issue 12): 5% flipped labels must
# be found by memorization (ROC AUC >= 0.9), and each of 50 planted memorization pairs (a test image
# copied into the training set, both copies given the same other label) must have its copy as the top
# influencer of the test image in >= 90% of pairs. Interpolating MLP 784-512-10, the calibration's
# setup (../shared/CALIBRATION.md: AUC 0.952 and 96% at 25 runs).
#
#   Benchmarks/planted-fashion-mnist.sh [RUNS] [WORKERS]      (defaults: 25 runs, 2 workers)
#
# Needs the Debian package dataset-fashion-mnist and python3 with NumPy; builds mnemo in release mode.
set -eu
runs=${1:-25}
workers=${2:-2}
cd "$(dirname "$0")/.."
swift build -c release --product mnemo >/dev/null
work=$(mktemp -d /tmp/mnemo-planted-XXXXXX)
cat > "$work/planted.yaml" <<YAML
name: planted-fashion-mnist
seed: 2
dataset:
  name: fashion-mnist
  train_limit: 5000
  test_limit: 1000
  label_noise: 0.05
  duplicates: 50
model: {kind: mlp, hidden: [512]}
training: {batch_size: 128, learning_rate: 0.1, momentum: 0.9, nesterov: true, max_epochs: 120, until_train_accuracy: 0.995}
estimator: {subsets: $runs, ratio: 0.7}
YAML
start=$(date +%s)
.build/release/mnemo run "$work/planted.yaml" --workers "$workers" --quiet
end=$(date +%s)
.build/release/mnemo export "$work/planted.sqlite" --out "$work/out" >/dev/null
python3 - "$work/out" <<'PY'
import csv, sys
import numpy as np
out = sys.argv[1]
truth, fz = np.load(f"{out}/ground_truth.npz"), np.load(f"{out}/fz_estimates.npz")
rows = list(csv.DictReader(open(f"{out}/memorization.csv")))
mem = np.array([float(r["mem"]) for r in rows]); flipped = np.array([r["flipped"] == "1" for r in rows])
known = ~np.isnan(mem)
pos, neg = mem[known & flipped], mem[known & ~flipped]
auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))
hits, influences = 0, []
for train, test in zip(truth["dup_train_idx"], truth["dup_test_idx"]):
    c = fz["tt_labels"][test]
    rows_c, column = fz[f"tr_classidx_{c}"], list(fz[f"tt_classidx_{c}"]).index(test)
    block = fz[f"infl_matrix_class{c}"][:, column]
    hits += rows_c[np.nanargmax(block)] == train
    influences.append(block[list(rows_c).index(train)])
pairs = len(truth["dup_train_idx"])
print(f"flipped labels: ROC AUC {auc:.3f} over {len(pos)} flips (target >= 0.9)")
print(f"memorization pairs: the copy is the top influencer in {hits} of {pairs} ({100 * hits / pairs:.0f}%; target >= 90%),"
      f" mean influence {np.mean(influences):.2f}, minimum {np.min(influences):.2f}")
ok = auc >= 0.9 and hits >= 0.9 * pairs
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
echo "$runs runs with $workers workers in $((end - start)) s; files in $work"
