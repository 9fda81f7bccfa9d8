"""`import relu_anim` stays light: numpy only, so the CLI starts fast."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_neither_torch_nor_manim():
    code = (
        "import sys, relu_anim, relu_anim.construct, relu_anim.metrics, relu_anim.cli\n"
        "heavy = [m for m in ('torch', 'manim') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
