"""Ray's no-op task throughput on this machine: the peer of Mnemo's orchestration benchmark.

Starts a local Ray instance with every core, warms it up (the worker pool and the function are in
place), then times `--tasks` no-op remote calls submitted at once and waited for together, `--trials`
times. Prints one JSON object: tasks per second per trial and the median.
"""
import argparse
import json
import statistics
import time

import ray


@ray.remote
def noop():
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    ray.init(include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    ray.get([noop.remote() for _ in range(args.tasks)])  # warm-up
    rates = []
    for _ in range(args.trials):
        start = time.perf_counter()
        ray.get([noop.remote() for _ in range(args.tasks)])
        rates.append(args.tasks / (time.perf_counter() - start))
    ray.shutdown()
    print(json.dumps({"tasks": args.tasks, "rates": rates, "median": statistics.median(rates)}))


if __name__ == "__main__":
    main()
