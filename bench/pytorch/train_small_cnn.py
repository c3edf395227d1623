"""The small CNN of Corrections, trained in PyTorch with the same batch, optimiser and data, to compare throughput.

Usage: python3 bench/pytorch/train_small_cnn.py [steps] [threads]
Prints one JSON line: {"framework": "pytorch", "images_per_s": ..., ...}.
Written for Debian's python3-torch (1.13); plain training only (the task loss), as `corrections benchmark throughput`.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "pytorch"))
from small_cnn import SmallCnn, load_fashion_mnist  # noqa: E402

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
BATCH = 128
torch.set_num_threads(THREADS)
torch.manual_seed(0)


# Standardised inside the network (scripts/pytorch/small_cnn.py), as Corrections standardises each batch.
images, labels = load_fashion_mnist()
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
