"""The small CNN of Corrections (architecture "small-cnn") in PyTorch, with the same parameter names, so a state_dict
saved from it imports with `corrections import`. Inputs are 1x28x28 images in [0, 1], standardised as Corrections does
(Fashion-MNIST's mean and std) before the network: the imported model applies the same standardisation itself."""
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
