#!/usr/bin/env python3
"""A Mnemo command trainer in PyTorch: a small CNN, a ResNet-18 or an MLP, trained with SGD + momentum.

Mnemo runs it once per training run (see "Your own trainer" in the README):

    python3 train_torch.py --data {data} --mask {mask} --params {params} --out {out} --seed {seed} \
        --checkpoint {checkpoint}

It reads the prepared dataset (.npz: train_features, train_labels, test_features, test_labels), the
run's subset mask (.npy of bool) and its settings (.json), trains on the masked training examples only,
evaluates every train and test example (eval mode, batched) and writes into --out:

- correctness_train.npy, correctness_test.npy: whether each example is classified correctly;
- X_train.npy / X_test.npy (float32) for every further output the params ask for: margin (true-class
  logit minus the largest other logit), loss (cross-entropy), confidence (true-class probability),
  probability and logits (n x classes);
- metrics.json: test_accuracy, train_subset_accuracy, loss (last epoch's mean training loss), epochs.

Image features (n x C x H x W) go to the CNN or ResNet-18; flat features (n x d) always to an MLP.
It runs on CUDA when there is one, else on the CPU.

Settings (params.json keys, all optional):
  model           cnn (default), resnet18 or mlp
  width           channels of the first layer (cnn 32, resnet18 64) or hidden units (mlp 512)
  hidden          units of the CNN's dense layer (default 128)
  depth           hidden layers of the MLP (default 2)
  epochs          default 15
  batch_size      default 128
  learning_rate   default 0.05 (peak rate, after warmup)
  momentum        default 0.9
  weight_decay    default 5e-4
  nesterov        default false
  schedule        cosine (default), linear (to zero) or constant
  warmup_epochs   linear warmup from 0 over this many epochs (default 0; may be fractional)
  augment         random shifts (up to 2 pixels in 28 x 28, 4 in 32 x 32) and, with flip: true,
                  horizontal flips; images only (default false, flip false)
  normalize       standardize inputs with the subset's per-channel (per-feature when flat) mean and
                  std (default true)
  threads         torch CPU threads (default 1)
  eval_batch_size default 1024
  deterministic   ask torch for deterministic kernels (default true)

With --checkpoint (a folder kept across attempts of the same run) it saves model, optimizer, epoch and
RNG state after every epoch, and resumes from it when present, so a preempted run continues where it
stopped; a checkpoint of other settings (anything but epochs) or another mask is ignored. On SIGTERM or
SIGINT it saves a checkpoint at the current batch and exits 143 (130 for SIGINT). Exit 75 ("try again
later" to Mnemo) follows a CUDA out-of-memory error; 2 follows bad inputs; any other failure exits 1.
"""
import argparse
import hashlib
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TRANSIENT = 75
OUTPUTS = ("correctness", "margin", "loss", "confidence", "probability", "logits")
# Keys that may change between attempts without invalidating a checkpoint.
RESUMABLE_KEYS = ("epochs", "threads", "outputs", "eval_batch_size")


class Stop(Exception):
    """A signal asked the run to stop; its exit status."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Stopper:
    """Turns SIGTERM/SIGINT into a flag the training loop checks between batches."""

    def __init__(self):
        self.status = None
        signal.signal(signal.SIGTERM, self.handle)
        signal.signal(signal.SIGINT, self.handle)

    def handle(self, signum, _frame):
        self.status = 128 + signum

    def check(self):
        if self.status is not None:
            raise Stop(self.status)


# ---------------------------------------------------------------------------------------------------
# Models


class SmallCNN(nn.Module):
    """Two 3x3 convolutions (w and 2w channels), each with ReLU and a 2x2 max-pool, then the maps read
    flat by a `hidden`-unit ReLU layer and the logits."""

    def __init__(self, shape, classes, width=32, hidden=128):
        super().__init__()
        channels, h, w = shape
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Flatten())
        self.classifier = nn.Sequential(
            nn.Linear(2 * width * (h // 4) * (w // 4), hidden), nn.ReLU(inplace=True), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    """The CIFAR-style ResNet-18: a 3x3 stem without max-pool, four stages of two basic blocks."""

    def __init__(self, channels, classes, width=64):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True))
        layers, cin = [], width
        for stage, stride in enumerate((1, 2, 2, 2)):
            cout = width * 2 ** stage
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.pool(self.layers(self.stem(x))))


class MLP(nn.Module):
    def __init__(self, inputs, classes, width=512, depth=2):
        super().__init__()
        layers, cin = [nn.Flatten()], inputs
        for _ in range(depth):
            layers += [nn.Linear(cin, width), nn.ReLU(inplace=True)]
            cin = width
        layers.append(nn.Linear(cin, classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def build_model(params, shape, classes):
    """The network for examples of `shape` (C, H, W or d); flat features always get the MLP."""
    name = str(params.get("model", "cnn")).lower()
    width = params.get("width")
    if len(shape) == 3 and name in ("cnn", "resnet18"):
        if name == "cnn":
            return SmallCNN(shape, classes, int(width or 32), int(params.get("hidden", 128))), name
        return ResNet18(shape[0], classes, int(width or 64)), name
    if name not in ("cnn", "resnet18", "mlp"):
        raise ValueError(f"unknown model '{name}': use cnn, resnet18 or mlp")
    if name != "mlp":
        print(f"model '{name}' needs image features (n x C x H x W); these are {tuple(shape)}, so an MLP is used",
              file=sys.stderr)
    return MLP(int(np.prod(shape)), classes, int(width or 512), int(params.get("depth", 2))), "mlp"


# ---------------------------------------------------------------------------------------------------
# Training


def learning_rate(params, base, epoch_progress, epochs):
    """The rate at `epoch_progress` (fractional epochs done) of `epochs`."""
    warmup = float(params.get("warmup_epochs", 0))
    if warmup > 0 and epoch_progress < warmup:
        return base * epoch_progress / warmup
    schedule = str(params.get("schedule", "cosine")).lower()
    span = max(epochs - warmup, 1e-9)
    done = min(max(epoch_progress - warmup, 0.0) / span, 1.0)
    if schedule == "cosine":
        return base * 0.5 * (1 + math.cos(math.pi * done))
    if schedule == "linear":
        return base * (1 - done)
    if schedule == "constant":
        return base
    raise ValueError(f"unknown schedule '{schedule}': use cosine, linear or constant")


def augment(batch, generator, flip):
    """Random shifts (zero padding) and optional horizontal flips of an image batch."""
    n, _, h, w = batch.shape
    pad = 4 if min(h, w) >= 32 else 2
    padded = F.pad(batch, (pad, pad, pad, pad))
    shifts = torch.randint(0, 2 * pad + 1, (n, 2), generator=generator).tolist()
    out = torch.stack([padded[i, :, dy:dy + h, dx:dx + w] for i, (dy, dx) in enumerate(shifts)])
    if flip:
        flips = torch.rand(n, generator=generator) < 0.5
        out[flips] = out[flips].flip(3)
    return out


def fingerprint(params, mask, seed):
    """What a checkpoint must match to be resumed: the settings (but epochs etc.), the mask, the seed."""
    kept = {k: v for k, v in params.items() if k not in RESUMABLE_KEYS}
    digest = hashlib.sha256(json.dumps(kept, sort_keys=True).encode())
    digest.update(np.packbits(mask).tobytes())
    digest.update(str(seed).encode())
    return digest.hexdigest()


def save_checkpoint(folder, state):
    """Writes checkpoint.pt atomically (a half-written file never replaces a good one)."""
    path = os.path.join(folder, "checkpoint.pt")
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def load_checkpoint(folder, expected):
    """The checkpoint in `folder` if it matches `expected` (a fingerprint), else None."""
    path = os.path.join(folder, "checkpoint.pt")
    if not os.path.exists(path):
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as error:  # a corrupt file: start over
        print(f"ignoring unreadable checkpoint {path}: {error}", file=sys.stderr)
        return None
    if state.get("fingerprint") != expected:
        print(f"ignoring checkpoint {path}: it was written for other settings, mask or seed", file=sys.stderr)
        return None
    return state


@torch.no_grad()
def logits_of(model, features, device, batch_size):
    model.eval()
    parts = [model(features[i:i + batch_size].to(device)).float().cpu() for i in range(0, len(features), batch_size)]
    return torch.cat(parts) if parts else torch.zeros((0, 0))


def outputs_of(logits, labels):
    """Per-example outputs from logits: correctness, margin, loss, confidence, probability, logits."""
    logits = logits.double()
    n = len(labels)
    rows = torch.arange(n)
    log_probability = torch.log_softmax(logits, dim=1)
    true_logit = logits[rows, labels]
    others = logits.clone()
    others[rows, labels] = -math.inf
    margin = true_logit - others.max(dim=1).values
    return {
        # Correct iff the true class strictly beats every other one (ties count as wrong), so that
        # correctness agrees with margin > 0 exactly.
        "correctness": (margin > 0).numpy(),
        "margin": margin.float().numpy(),
        "loss": (-log_probability[rows, labels]).float().numpy(),
        "confidence": log_probability[rows, labels].exp().float().numpy(),
        "probability": log_probability.exp().float().numpy(),
        "logits": logits.float().numpy(),
    }


def train(args, params, stopper):
    started = time.time()
    data = np.load(args.data)
    mask = np.load(args.mask)
    x_train = np.asarray(data["train_features"], dtype=np.float32)
    y_train = np.asarray(data["train_labels"]).astype(np.int64)
    x_test = np.asarray(data["test_features"], dtype=np.float32)
    y_test = np.asarray(data["test_labels"]).astype(np.int64)
    classes = int(params.get("class_count", int(max(y_train.max(initial=0), y_test.max(initial=0))) + 1))
    if mask.dtype != np.bool_ or mask.shape != y_train.shape:
        print(f"mask has dtype {mask.dtype} and shape {mask.shape}, expected bool {y_train.shape}", file=sys.stderr)
        return 2
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        print("features and labels differ in length", file=sys.stderr)
        return 2
    if x_train.ndim not in (2, 4):
        x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    for name, labels in (("train", y_train), ("test", y_test)):
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            print(f"{name} labels must lie in [0, {classes})", file=sys.stderr)
            return 2
    if not mask.any():
        print("the mask selects no training example", file=sys.stderr)
        return 2

    seed = args.seed % (2 ** 63)
    torch.manual_seed(seed)
    threads = int(params.get("threads", 1))
    torch.set_num_threads(max(1, threads))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work has started
        pass
    if params.get("deterministic", True):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # Standardize with the subset's statistics (per channel for images, per feature when flat).
    if params.get("normalize", True):
        axes = (0, 2, 3) if x_train.ndim == 4 else (0,)
        members = x_train[mask]
        mean = members.mean(axis=axes, keepdims=True)
        std = members.std(axis=axes, keepdims=True) + 1e-6
        x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    train_x, test_x = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(np.ascontiguousarray(x_test))
    train_y, test_y = torch.from_numpy(y_train), torch.from_numpy(y_test)
    member_index = torch.from_numpy(np.flatnonzero(mask))

    model, kind = build_model(params, tuple(x_train.shape[1:]), classes)
    model.to(device)
    base_rate = float(params.get("learning_rate", 0.05))
    optimizer = torch.optim.SGD(
        model.parameters(), lr=base_rate, momentum=float(params.get("momentum", 0.9)),
        weight_decay=float(params.get("weight_decay", 5e-4)), nesterov=bool(params.get("nesterov", False)))
    epochs = int(params.get("epochs", 15))
    batch_size = int(params.get("batch_size", 128))
    do_augment = bool(params.get("augment", False)) and train_x.ndim == 4
    flip = bool(params.get("flip", False))
    generator = torch.Generator().manual_seed(seed)  # shuffling and augmentation
    steps = math.ceil(len(member_index) / batch_size)

    # Resume.
    checkpoint = args.checkpoint
    expected = fingerprint(params, mask, args.seed)
    epoch, step, order, last_loss, loss_sum, resumed_from = 0, 0, None, float("nan"), 0.0, None
    state = load_checkpoint(checkpoint, expected) if checkpoint else None
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        if device.type == "cuda" and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        epoch, step, order = state["epoch"], state["step"], state["order"]
        last_loss, loss_sum = state["last_loss"], state["loss_sum"]
        resumed_from = epoch + step / steps
        print(f"resuming from epoch {epoch} (batch {step} of {steps})", file=sys.stderr)

    def snapshot():
        if not checkpoint:
            return
        save_checkpoint(checkpoint, {
            "fingerprint": expected, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "generator": generator.get_state(), "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if device.type == "cuda" else None,
            "epoch": epoch, "step": step, "order": order, "last_loss": last_loss, "loss_sum": loss_sum,
        })

    try:
        while epoch < epochs:
            if order is None:
                order = member_index[torch.randperm(len(member_index), generator=generator)]
                step, loss_sum = 0, 0.0
            model.train()
            while step < steps:
                stopper.check()
                batch = order[step * batch_size:(step + 1) * batch_size]
                inputs = train_x[batch]
                if do_augment:
                    inputs = augment(inputs, generator, flip)
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(params, base_rate, epoch + step / steps, epochs)
                inputs, targets = inputs.to(device, non_blocking=True), train_y[batch].to(device, non_blocking=True)
                loss = F.cross_entropy(model(inputs), targets)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                value = loss.item()
                if not math.isfinite(value):
                    print(f"training diverged at epoch {epoch + 1}: lower learning_rate", file=sys.stderr)
                    return 1
                loss_sum += value * len(batch)
                step += 1
            last_loss = loss_sum / len(member_index)
            epoch, step, order = epoch + 1, 0, None
            snapshot()
            print(f"epoch {epoch}/{epochs} loss {last_loss:.4f}", file=sys.stderr, flush=True)
    except Stop:
        snapshot()
        raise

    stopper.check()
    eval_batch = int(params.get("eval_batch_size", 1024))
    train_out = outputs_of(logits_of(model, train_x, device, eval_batch), train_y)
    stopper.check()
    test_out = outputs_of(logits_of(model, test_x, device, eval_batch), test_y)

    os.makedirs(args.out, exist_ok=True)
    asked = [o for o in params.get("outputs", []) if o != "correctness"]
    unknown = [o for o in asked if o not in OUTPUTS]
    if unknown:
        print(f"unknown outputs {unknown}: known are {list(OUTPUTS)}", file=sys.stderr)
        return 2
    for name in ["correctness"] + asked:
        np.save(os.path.join(args.out, f"{name}_train.npy"), train_out[name])
        np.save(os.path.join(args.out, f"{name}_test.npy"), test_out[name])
    metrics = {
        "test_accuracy": float(test_out["correctness"].mean()) if len(y_test) else 0.0,
        "train_subset_accuracy": float(train_out["correctness"][mask].mean()),
        "loss": last_loss,
        "epochs": epochs,
        "seconds": time.time() - started,
        "model": kind,
        "device": device.type,
        "torch_version": torch.__version__,
    }
    if resumed_from is not None:
        metrics["resumed_from_epoch"] = resumed_from
    with open(os.path.join(args.out, "metrics.json"), "w") as handle:
        json.dump(metrics, handle)
    print(f"test accuracy {metrics['test_accuracy']:.4f}, subset accuracy {metrics['train_subset_accuracy']:.4f}, "
          f"{metrics['seconds']:.1f}s on {device.type}", file=sys.stderr)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("data", "mask", "params", "out"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--checkpoint", default=None, help="a folder kept across attempts of this run")
    args = parser.parse_args()
    stopper = Stopper()
    with open(args.params) as handle:
        params = json.load(handle)
    if args.checkpoint:
        os.makedirs(args.checkpoint, exist_ok=True)
    try:
        return train(args, params, stopper)
    except Stop as stop:
        print(f"stopped by a signal: checkpoint saved, exiting {stop.status}", file=sys.stderr)
        return stop.status
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    except torch.cuda.OutOfMemoryError as error:
        print(f"CUDA out of memory (transient): {error}", file=sys.stderr)
        return TRANSIENT


if __name__ == "__main__":
    sys.exit(main())
