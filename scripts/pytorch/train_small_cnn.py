"""Trains the small CNN (small_cnn.py) on Fashion-MNIST in PyTorch, plainly (Adam, cross-entropy), and saves its
state_dict with torch.save: the model trained elsewhere that `corrections import` brings in. It augments as
`corrections train` does (pad 2 and crop, horizontal flip), so Editable Training from these weights sees the images
they were trained on.
  /usr/bin/python3 scripts/pytorch/train_small_cnn.py OUT.pt [EPOCHS] [DATA_DIR]"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from small_cnn import SmallCnn, load_fashion_mnist  # noqa: E402


def augment(images: torch.Tensor) -> torch.Tensor:
    """Pad-2-and-crop and a horizontal flip, each image its own, as Corrections' training augments."""
    n = len(images)
    padded = F.pad(images, (2, 2, 2, 2))
    dx, dy = torch.randint(0, 5, (n,)), torch.randint(0, 5, (n,))
    rows = (dy.view(n, 1) + torch.arange(28)).view(n, 1, 28, 1).expand(n, 1, 28, 32)
    cropped = padded.gather(2, rows)
    cols = (dx.view(n, 1) + torch.arange(28)).view(n, 1, 1, 28).expand(n, 1, 28, 28)
    cropped = cropped.gather(3, cols)
    flip = torch.rand(n) < 0.5
    cropped[flip] = cropped[flip].flip(3)
    return cropped


out = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
directory = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/datasets/fashion-mnist"
torch.manual_seed(0)
train_x, train_y = load_fashion_mnist(directory, "train")
test_x, test_y = load_fashion_mnist(directory, "t10k")
model = SmallCnn()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(epochs):
    model.train()
    started = time.time()
    order = torch.randperm(len(train_x))
    for i in range(0, len(order), 128):
        batch = order[i:i + 128]
        optimizer.zero_grad()
        F.cross_entropy(model(augment(train_x[batch])), train_y[batch]).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        error = (model(test_x).argmax(1) != test_y).float().mean().item() * 100
    print(f"[pytorch] epoch {epoch + 1}/{epochs}: test error {error:.2f} % ({time.time() - started:.0f} s)", flush=True)
torch.save(model.state_dict(), out)
print(f"[pytorch] saved the state_dict to {out}", flush=True)
