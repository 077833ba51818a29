# daydream record's hook into Python: `daydream record` puts this directory first on PYTHONPATH,
# so Python imports this file at start-up. It arms the PyTorch shim (annotations for layers,
# phases and iterations) to install itself once the program has imported torch, then hands on
# to any sitecustomize the program would otherwise have loaded.
import os
import sys


def _chain_to_next_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or ".") == here:
            continue
        candidate = os.path.join(entry or ".", "sitecustomize.py")
        if os.path.isfile(candidate):
            with open(candidate, "rb") as source:
                code = compile(source.read(), candidate, "exec")
            exec(code, {"__name__": "sitecustomize", "__file__": candidate})
            return


try:
    from daydream_shim import arm

    arm(os.environ)
except Exception as error:  # the program must run even if the shim cannot
    sys.stderr.write("daydream record: PyTorch annotations are off (%s)\n" % error)
_chain_to_next_sitecustomize()
