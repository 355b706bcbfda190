#!/usr/bin/python3
"""PIL's LANCZOS resize (what diffusers' VideoProcessor.preprocess does to a PIL image by default) of a small RGB
test image, to check hunyuan4j's ConditionImage.resized: input [20, 30, 3] and outputs at 16x16 (down), 32x48
(up) and 24x20 (mixed), stored as float32 0..255.

    /usr/bin/python3 tools/golden/make_lanczos_fixture.py hunyuan-core/src/test/resources/i2v/lanczos.safetensors
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "golden",
                                "tools"))
import numpy as np  # noqa: E402
import PIL  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import stio  # noqa: E402

h, w = 20, 30
y, x = np.mgrid[0:h, 0:w]
img = np.stack([(x * 255 // (w - 1)), (y * 255 // (h - 1)), ((x * y) % 7) * 36], axis=-1).astype(np.uint8)
img[5:12, 8:20] = [250, 10, 120]  # a sharp-edged block: ringing shows up at its edges
out = {"input": torch.from_numpy(img.astype(np.float32))}
for (oh, ow) in ((16, 16), (32, 48), (24, 20)):
    r = np.asarray(Image.fromarray(img, "RGB").resize((ow, oh), resample=Image.LANCZOS))
    out[f"resized_{oh}x{ow}"] = torch.from_numpy(r.astype(np.float32))
stio.save(sys.argv[1], out, metadata={"format": "pt", "pillow": PIL.__version__})
