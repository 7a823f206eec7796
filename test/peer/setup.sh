#!/usr/bin/env bash
# Creates the Python venv of the peer test (test/peer/peerAgreement.test.ts) in .cache/peer-venv.
# Python is used only for this peer: the reference method (PyTorch, transformers) on the same
# GGUF model, to check our TypeScript/llama.cpp detection against it.
#
# PyPI's linux torch wheel is the CUDA build: its libtorch_cuda.so needs cudart, cublas, cudnn,
# nccl … at import time even on a CPU-only machine, so `--no-deps` does not import, and Debian's
# python3-torch (1.13) is too old for transformers 5. The full dependency set is the smallest
# install that works. Versions are pinned so that CI measures the same thing every time.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.cache/peer-venv
PY=${LAPE_PEER_BASE_PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, transformers, gguf, accelerate' 2>/dev/null; then
  echo "peer venv ready: $VENV"
  exit 0
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  torch==2.15.0 transformers==5.23.0 gguf==0.19.0 accelerate==1.15.0 numpy==2.4.6
"$VENV/bin/python" -c 'import torch, transformers, gguf; from importlib.metadata import version as v; print("peer venv:", *(f"{p} {v(p)}" for p in ("torch", "transformers", "gguf")))'
