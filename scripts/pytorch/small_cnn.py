"""The small CNN of Corrections (architecture "small-cnn") in PyTorch, with the same parameter names, so a state_dict
saved from it imports with `corrections import`. Inputs are 1x28x28 images in [0, 1], standardised as Corrections does
(Fashion-MNIST's mean and std) before the network: the imported model applies the same standardisation itself.
The one definition of the network on the Python side: the import example, its test fixtures and the throughput
comparison (bench/pytorch) all use it."""
import gzip
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


class SmallCnn(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.head = nn.Linear(128, classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = (images - MEAN) / STD
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.head(x)


def load_fashion_mnist(directory: str = "/usr/share/datasets/fashion-mnist", split: str = "train"):
    """Images [N, 1, 28, 28] in [0, 1] and labels [N] of a split ("train" or "t10k") from the IDX files (gzipped or not)."""
    def idx(kind: str) -> np.ndarray:
        name = next(f for f in sorted(os.listdir(directory)) if f.startswith(f"{split}-{kind}"))
        opener = gzip.open if name.endswith(".gz") else open
        with opener(os.path.join(directory, name), "rb") as f:
            data = f.read()
        dims = data[3]
        shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
        return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

    images = torch.from_numpy(idx("images").copy()).float().div(255).unsqueeze(1)
    labels = torch.from_numpy(idx("labels").copy()).long()
    return images, labels
