"""Many simulated Mnemo workers against a real coordinator: the load of issue 10's "1,000 workers".

Each simulated worker is a ZeroMQ DEALER speaking Mnemo's protocol (version byte, type, JSON header,
optional payload with its CRC-32C): it says hello, announces a capacity of one task, heartbeats every
second naming the task it holds, "trains" each leased task for --task-seconds, and returns a result of
the right sizes (all examples correct). One process drives --sockets DEALERs (each process has its own
ZeroMQ context: libzmq allows 1,023 sockets per context by default); run several processes for 1,000.

Prints one JSON object: results sent, and the lease latency (from sending a result, or the first
ready, to receiving the next lease) p50 and p99 in milliseconds.
"""
import argparse
import json
import random
import time

import zmq

VERSION = bytes([1])


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def all_correct(count: int) -> bytes:
    """A bit vector of `count` ones, its padding bits zero (as Mnemo's BitVector requires)."""
    full, rest = divmod(count, 8)
    return b"\xff" * full + (bytes([(1 << rest) - 1]) if rest else b"")


def message(kind: str, header: dict, payload: bytes | None = None) -> list[bytes]:
    if payload is not None:
        header = dict(header, payload_crc32c=crc32c(payload), payload_length=len(payload))
    frames = [VERSION, kind.encode(), json.dumps(header).encode()]
    if payload is not None:
        frames.append(payload)
    return frames


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connect", required=True)
    parser.add_argument("--sockets", type=int, default=250)
    parser.add_argument("--prefix", default="sim")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--task-seconds", type=float, default=1.0)
    parser.add_argument("--train", type=int, required=True, help="training examples of the sweep")
    parser.add_argument("--test", type=int, required=True, help="test examples of the sweep")
    args = parser.parse_args()
    context = zmq.Context()
    poller = zmq.Poller()
    workers = {}
    for index in range(args.sockets):
        socket = context.socket(zmq.DEALER)
        name = f"{args.prefix}-{index}"
        socket.setsockopt(zmq.IDENTITY, name.encode())
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(args.connect)
        socket.send_multipart(message("hello", {"worker_id": name, "host": "sim", "pid": 100000 + index, "engine_version": "sim"}))
        poller.register(socket, zmq.POLLIN)
        workers[socket] = {"name": name, "held": None, "due": None, "asked": None, "next_beat": time.time() + random.random()}
    payload = all_correct(args.train) + all_correct(args.test)
    latencies, results = [], 0
    end = time.time() + args.seconds
    while time.time() < end:
        for socket, _ in poller.poll(20):
            while True:
                try:
                    frames = socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                state = workers[socket]
                kind, header = frames[1].decode(), json.loads(frames[2])
                if kind == "welcome":
                    state["asked"] = time.time()
                    socket.send_multipart(message("ready", {"credit": 1}))
                elif kind == "lease" and header["entries"]:
                    entry = header["entries"][0]
                    if state["asked"] is not None:
                        latencies.append(time.time() - state["asked"])
                        state["asked"] = None
                    state["held"] = (entry["task_id"], entry["attempt"])
                    state["due"] = time.time() + args.task_seconds
                elif kind == "reject" and header.get("rehello"):
                    socket.send_multipart(message("hello", {"worker_id": state["name"], "host": "sim", "pid": 1, "engine_version": "sim"}))
        now = time.time()
        for socket, state in workers.items():
            if state["held"] and now >= state["due"]:
                task_id, attempt = state["held"]
                outcome = {"task_id": task_id, "attempt": attempt, "train_count": args.train, "test_count": args.test,
                           "payload_offset": 0, "subset_accuracy": 1, "test_accuracy": 1, "epochs": 1, "seconds": args.task_seconds}
                socket.send_multipart(message("result", {"outcomes": [outcome]}, payload))
                state["held"], state["asked"] = None, now
                results += 1
            if now >= state["next_beat"]:
                state["next_beat"] = now + 1
                running = [state["held"][0]] if state["held"] else []
                socket.send_multipart(message("heartbeat", {"running": running}))
    for socket in workers:
        socket.send_multipart(message("bye", {"reason": "simulation over", "released": []}))
        socket.close()
    context.term()
    latencies.sort()
    pick = lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None
    print(json.dumps({"sockets": args.sockets, "results": results, "leases": len(latencies), "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


if __name__ == "__main__":
    main()
