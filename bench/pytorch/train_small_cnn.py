"""The small CNN of Corrections, trained in PyTorch with the same batch, optimiser and data, to compare throughput.

Usage: python3 bench/pytorch/train_small_cnn.py [steps] [threads]
Prints one JSON line: {"framework": "pytorch", "images_per_s": ..., ...}.
Written for Debian's python3-torch (1.13); plain training only (the task loss), as `corrections benchmark throughput`.
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
BATCH = 128
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def load_images(path):
    with gzip.open(path) as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return torch.from_numpy(data.copy()).float().div_(255).view(-1, 1, 28, 28)


def load_labels(path):
    with gzip.open(path) as f:
        return torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64))


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(F.relu(self.fc1(x.flatten(1))))


root = "/usr/share/datasets/fashion-mnist"
images = (load_images(f"{root}/train-images-idx3-ubyte.gz") - 0.2860) / 0.3530
labels = load_labels(f"{root}/train-labels-idx1-ubyte.gz")
model = SmallCnn()
optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
order = torch.randperm(images.shape[0])


def step(i):
    idx = order[(i * BATCH) % (images.shape[0] - BATCH):][:BATCH]
    loss = F.cross_entropy(model(images[idx]), labels[idx])
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()


for i in range(20):
    step(i)
start = time.perf_counter()
for i in range(STEPS):
    step(i)
seconds = time.perf_counter() - start
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": THREADS, "steps": STEPS,
                  "batch": BATCH, "images_per_s": STEPS * BATCH / seconds}))
