"""Writes the PyTorch files the import tests read (tests/Corrections.Cli.Tests/Fixtures), with Debian's python3-torch:
  - small-cnn.pt: a state_dict of SmallCnn saved by torch.save, weights rounded to 1/256 so git compresses the file;
  - small-cnn-logits.json: three fixed inputs and the logits PyTorch computes for them, which the import must reproduce;
  - resnet18-torchvision.txt: every name and shape of torchvision's resnet18 state_dict in its CIFAR form (3x3 stem,
    no max-pool), which the ResNet-18 import must accept as it is.
Run: /usr/bin/python3 scripts/pytorch/make_test_fixtures.py"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from small_cnn import SmallCnn  # noqa: E402

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Corrections.Cli.Tests", "Fixtures")
torch.manual_seed(0)
model = SmallCnn().eval()
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.round(p * 256) / 256)
torch.save(model.state_dict(), os.path.join(out, "small-cnn.pt"))

inputs = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(1))
inputs = torch.round(inputs * 255) / 255
with torch.no_grad():
    logits = model(inputs)
with open(os.path.join(out, "small-cnn-logits.json"), "w") as f:
    json.dump({"torch": torch.__version__, "inputs": inputs.flatten().tolist(), "logits": logits.tolist()}, f)

try:
    import torchvision
except ImportError:
    sys.exit("resnet18-torchvision.txt needs python3-torchvision")
resnet = torchvision.models.resnet18(num_classes=10)
resnet.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
resnet.maxpool = nn.Identity()
with open(os.path.join(out, "resnet18-torchvision.txt"), "w") as f:
    f.write(f"# torchvision {torchvision.__version__} resnet18(num_classes=10), 3x3 stem, no max-pool: name dtype shape\n")
    for name, tensor in resnet.state_dict().items():
        f.write(f"{name} {str(tensor.dtype).removeprefix('torch.')} {' '.join(map(str, tensor.shape))}\n")
