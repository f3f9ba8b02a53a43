#!/usr/bin/env python3
"""PyTorch CPU peer of mnemo-bench: trains the same models (MLPs, and the small CNN: per channel count
a 3x3 convolution with padding 1 and ReLU, a 2x2 max-pool between convolutions, global average pool,
dense head) on the same data with the same batch size, optimizer (SGD, lr 0.05, Nesterov momentum
0.9) and thread count, and writes the median seconds per epoch as JSON for `mnemo-bench --peer`.

Data: for the MLPs the first N Fashion-MNIST training images from the gzipped IDX files
(pixels / 255), or uniform noise of the same shape when the files are missing, as mnemo-bench does;
for the CNNs the same on 1x28x28 images, and uniform noise for 3x32x32 images.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

# name: (image shape (channels, height, width) or None for an MLP on 784 features,
#        convolution channels, hidden widths of the dense head)
MODELS = {
    "784-512-10": (None, [], [512]),
    "784-128-10": (None, [], [128]),
    "784-64-10": (None, [], [64]),
    "784-10": (None, [], []),
    "cnn-3x32x32-32-64-128": ((3, 32, 32), [32, 64, 128], []),
    "cnn-1x28x28-16-32-64": ((1, 28, 28), [16, 32, 64], []),
    "cnn-1x28x28-32-64-128": ((1, 28, 28), [32, 64, 128], []),
}


def load(directory, examples, shape):
    if shape == (1, 28, 28):
        x, y, name = load(directory, examples, None)
        return x.reshape(-1, *shape), y, name
    if shape is not None:
        generator = np.random.default_rng(1)
        return (torch.from_numpy(generator.random((examples, *shape), dtype=np.float32)),
                torch.from_numpy(generator.integers(0, 10, examples)),
                "synthetic {}x{}x{} image noise".format(*shape))
    images = os.path.join(directory, "train-images-idx3-ubyte.gz")
    labels = os.path.join(directory, "train-labels-idx1-ubyte.gz")
    if os.path.exists(images) and os.path.exists(labels):
        with gzip.open(images) as f:
            x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
        with gzip.open(labels) as f:
            y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
        if len(y) >= examples:
            return (torch.from_numpy(x[:examples].astype(np.float32) / 255),
                    torch.from_numpy(y[:examples].astype(np.int64)), "Fashion-MNIST")
    generator = np.random.default_rng(1)
    return (torch.from_numpy(generator.random((examples, 784), dtype=np.float32)),
            torch.from_numpy(generator.integers(0, 10, examples)), "synthetic 784-feature noise")


def build(shape, channels, hidden):
    layers = []
    inputs = 784
    if shape is not None:
        inputs = shape[0]
        for index, outputs in enumerate(channels):
            if index > 0:
                layers.append(nn.MaxPool2d(2))
            layers += [nn.Conv2d(inputs, outputs, 3, padding=1), nn.ReLU()]
            inputs = outputs
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    widths = [inputs] + hidden + [10]
    for index in range(len(widths) - 1):
        layers.append(nn.Linear(widths[index], widths[index + 1]))
        if index < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def epoch_seconds(spec, x, y, batch, epochs):
    """Trains 1 + epochs epochs; returns the seconds of each epoch after the first (warm-up)."""
    torch.manual_seed(1)
    model = build(*spec)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    loss_function = nn.CrossEntropyLoss()
    times = []
    for _ in range(1 + epochs):
        start = time.perf_counter()
        order = torch.randperm(len(y))
        for first in range(0, len(y), batch):
            index = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=42000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--model", action="append", choices=sorted(MODELS))
    parser.add_argument("--json", required=True, help="where to write the results")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    results = []
    for model in args.model or list(MODELS):
        x, y, name = load(args.data, args.examples, MODELS[model][0])
        seconds = statistics.median(
            t for _ in range(args.trials) for t in epoch_seconds(MODELS[model], x, y, args.batch, args.epochs))
        results.append({"model": model, "data": name, "seconds_per_epoch": seconds,
                        "examples_per_second": args.examples / seconds})
        print(f"{model}: {seconds:.3f} s/epoch, {args.examples / seconds:.0f} examples/s ({name})", file=sys.stderr)
    with open(args.json, "w") as out:
        json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(),
                   "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
