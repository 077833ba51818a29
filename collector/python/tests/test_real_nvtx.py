"""The shim as `daydream record` loads it (sitecustomize on PYTHONPATH) and the NVTX ranges torch
really emits, on the CPU: an NVTX tool (nvtx_log_tool.cc, built with the CUDA toolkit; CTest
passes its path in DD_NVTX_LOG_TOOL) logs every range, so the shim's native NVTX calls and
PyTorch's own emit_nvtx ranges (`--annotate ops`) are checked as a recording would get them.
Skipped without torch or without the tool. CUDA is reported initialized and
torch.cuda.synchronize (which emit_nvtx calls on entry) does nothing, since there is no GPU."""
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

from test_torch_hooks import MODEL

SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TOOL = os.environ.get("DD_NVTX_LOG_TOOL", "")

SCRIPT = textwrap.dedent("""
    import torch
    torch.cuda.is_initialized = lambda: True
    torch.cuda.synchronize = lambda *args, **kwargs: None
""") + MODEL + "\ntrain(Net(), 2)\n"

BACKWARD = re.compile(r"^(\w+Backward\d*), seq = (\d+), ")
SEQUENCE = re.compile(r", seq = (\d+), ")


def record_ranges(level):
    """Runs SCRIPT with the shim at `level`; returns the log as (event, thread, text) tuples."""
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "nvtx.log")
        env = dict(os.environ, PYTHONPATH=SHIM, DD_ANNOTATE=level,
                   NVTX_INJECTION64_PATH=TOOL, DD_NVTX_LOG=log)
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            raise AssertionError("child failed:\n" + done.stderr[-3000:])
        with open(log) as lines:
            return [tuple((line.rstrip("\n").split("\t", 2) + ["", ""])[:3]) for line in lines]


def check_balanced(test, events):
    depth = {}
    for event, thread, _ in events:
        if event == "push":
            depth[thread] = depth.get(thread, 0) + 1
        elif event == "pop":
            depth[thread] = depth.get(thread, 0) - 1
            test.assertGreaterEqual(depth[thread], 0, "a pop without its push")
    test.assertEqual(set(depth.values()), {0})


@unittest.skipUnless(importlib.util.find_spec("torch") and os.path.isfile(TOOL),
                     "needs torch and the NVTX log tool (DD_NVTX_LOG_TOOL)")
class RealNvtxTest(unittest.TestCase):
    def opened_ranges(self, level):
        """The texts of the ranges opened at `level`, in order, after the checks both levels
        share: balanced on every thread, and the first step opens iteration, phase, layers."""
        events = record_ranges(level)
        check_balanced(self, events)
        pushed = [text for event, _, text in events if event in ("push", "start")]
        self.assertEqual(pushed[:4], ["dd:iteration#0", "dd:phase:forward", "dd:module:Net|Net",
                                      "dd:module:stem|Conv2d"])
        return pushed

    def test_module_level_marks_layers_and_no_ops(self):
        pushed = self.opened_ranges("modules")
        self.assertIn("dd:module:blocks.1.norm|BatchNorm2d", pushed)
        self.assertEqual(pushed.count("dd:phase:backward"), 2)
        self.assertFalse([text for text in pushed if text.startswith("aten::")])

    def test_module_level_marks_where_each_leaf_backward_begins(self):
        # Start/end ranges, one per leaf module in reverse forward order, each ended.
        events = record_ranges("modules")
        started = [text for event, _, text in events
                   if event == "start" and text.startswith("dd:module:")]
        leaves = ["head|Linear", "blocks.1.relu|ReLU", "blocks.1.norm|BatchNorm2d",
                  "blocks.1.conv|Conv2d", "blocks.0.relu|ReLU", "blocks.0.norm|BatchNorm2d",
                  "blocks.0.conv|Conv2d", "stem|Conv2d"]
        self.assertEqual(started, ["dd:module:" + leaf for leaf in leaves] * 2)  # two steps
        ends = sum(event == "end" for event, _, _ in events)
        iterations = sum(event == "start" and text.startswith("dd:iteration#")
                         for event, _, text in events)
        self.assertEqual(ends, len(started) + iterations - 1)  # the last iteration stays open

    def test_ops_level_nests_torch_ops_in_layers_and_pairs_backward_with_forward(self):
        pushed = self.opened_ranges("ops")
        self.assertRegex(pushed[4], r"^aten::conv2d, seq = \d+, op_id = \d+$")
        forward_sequences = {int(SEQUENCE.search(text).group(1)) for text in pushed
                             if text.startswith("aten::") and SEQUENCE.search(text)}
        backward = [BACKWARD.match(text) for text in pushed if BACKWARD.match(text)]
        self.assertTrue(backward)
        # What the graph builder relies on: a backward function carries its forward op's seq.
        for match in backward:
            self.assertIn(int(match.group(2)), forward_sequences, match.group(0))


if __name__ == "__main__":
    unittest.main()
