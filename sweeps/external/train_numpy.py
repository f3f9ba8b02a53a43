#!/usr/bin/env python3
"""A Mnemo command trainer in NumPy alone: random ReLU features + softmax regression.

Mnemo runs it once per training run (see "Your own trainer" in the README):

    python3 train_numpy.py --data {data} --mask {mask} --params {params} --out {out} --seed {seed}

It reads the prepared dataset (.npz), the run's subset mask (.npy of bool) and its settings (.json),
trains on the masked training examples only, and writes into --out:

- correctness_train.npy, correctness_test.npy: whether each example is classified correctly;
- X_train.npy / X_test.npy for every further output the params ask for (margin, loss, confidence,
  probability, logits);
- metrics.json: test_accuracy, train_subset_accuracy, loss, epochs.

Settings (params.json keys, all optional): features (random features, default 512), epochs (default
200), learning_rate (default 0.5), l2 (default 1e-4), scale (random weight scale, default 1.0).
Exit 75 means "try again later" to Mnemo; any other non-zero exit fails the run.
"""
import argparse
import json
import os
import sys

import numpy as np


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def outputs_of(logits, labels):
    """Per-example outputs from logits: margin, loss, confidence, probability, logits, correctness."""
    n = len(labels)
    probability = softmax(logits.astype(np.float64))
    true_logit = logits[np.arange(n), labels]
    others = logits.copy()
    others[np.arange(n), labels] = -np.inf
    margin = true_logit - others.max(axis=1)
    confidence = probability[np.arange(n), labels]
    loss = -np.log(np.maximum(confidence, 1e-300))
    return {
        "correctness": logits.argmax(axis=1) == labels,
        "margin": margin.astype(np.float32),
        "loss": loss.astype(np.float32),
        "confidence": confidence.astype(np.float32),
        "probability": probability.astype(np.float32),
        "logits": logits.astype(np.float32),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("data", "mask", "params", "out"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    with open(args.params) as handle:
        params = json.load(handle)
    data = np.load(args.data)
    mask = np.load(args.mask)
    x_train = data["train_features"].reshape(len(data["train_labels"]), -1).astype(np.float64)
    y_train = data["train_labels"].astype(np.int64)
    x_test = data["test_features"].reshape(len(data["test_labels"]), -1).astype(np.float64)
    y_test = data["test_labels"].astype(np.int64)
    classes = int(params["class_count"])
    if mask.dtype != np.bool_ or mask.shape != y_train.shape:
        print(f"mask has dtype {mask.dtype} and shape {mask.shape}, expected bool {y_train.shape}", file=sys.stderr)
        return 2

    rng = np.random.default_rng(args.seed)
    features = int(params.get("features", 512))
    scale = float(params.get("scale", 1.0))
    weights = rng.normal(0.0, scale / np.sqrt(x_train.shape[1]), size=(x_train.shape[1], features))
    bias = rng.normal(0.0, scale * 0.5, size=features)

    def embed(x):
        return np.maximum(x @ weights + bias, 0.0)

    phi_train, phi_test = embed(x_train), embed(x_test)
    mean, std = phi_train[mask].mean(axis=0), phi_train[mask].std(axis=0) + 1e-6
    phi_train, phi_test = (phi_train - mean) / std, (phi_test - mean) / std

    members = phi_train[mask]
    targets = np.eye(classes)[y_train[mask]]
    theta = np.zeros((features, classes))
    rate, l2 = float(params.get("learning_rate", 0.5)), float(params.get("l2", 1e-4))
    epochs = int(params.get("epochs", 200))
    velocity = np.zeros_like(theta)
    loss = float("nan")
    for _ in range(epochs):
        probability = softmax(members @ theta)
        loss = float(-np.mean(np.log(np.maximum((probability * targets).sum(axis=1), 1e-300))))
        gradient = members.T @ (probability - targets) / len(members) + l2 * theta
        velocity = 0.9 * velocity - rate * gradient
        theta += velocity
    if not np.isfinite(theta).all():
        print("training diverged: lower learning_rate", file=sys.stderr)
        return 1

    train, test = outputs_of(phi_train @ theta, y_train), outputs_of(phi_test @ theta, y_test)
    os.makedirs(args.out, exist_ok=True)
    for name in ["correctness"] + [o for o in params.get("outputs", []) if o != "correctness"]:
        np.save(os.path.join(args.out, f"{name}_train.npy"), train[name])
        np.save(os.path.join(args.out, f"{name}_test.npy"), test[name])
    metrics = {
        "test_accuracy": float(test["correctness"].mean()),
        "train_subset_accuracy": float(train["correctness"][mask].mean()),
        "loss": loss,
        "epochs": epochs,
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as handle:
        json.dump(metrics, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
