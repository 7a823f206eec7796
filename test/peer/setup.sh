#!/usr/bin/env bash
# Creates the Python venv of the peer test (test/peer/peerAgreement.test.ts) in .cache/peer-venv.
# Python is used only for this peer: the reference method (PyTorch, transformers) on the same
# GGUF model, to check our TypeScript/llama.cpp detection against it.
#
# PyPI's linux torch wheel is the CUDA build: its libtorch_cuda.so links cudart, cublas, cudnn,
# nccl … so even on a CPU-only machine `import torch` needs those nvidia packages (`--no-deps`
# alone does not import), and Debian's python3-torch (1.13) is too old for transformers 5. What
# can go is triton and cuda-bindings (about 1 GB), which only GPU compilation uses: torch and
# accelerate (the one package that requires torch) are installed with --no-deps, and torch's
# other requirements, copied from its metadata with the same pins, are listed here.
# Measured on the 2-core machine: 2 to 4 minutes with a warm pip cache (the first, cold one: under
# 5 minutes), 4.6 GB on disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.cache/peer-venv
PY=${LAPE_PEER_BASE_PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, transformers, gguf, accelerate' 2>/dev/null; then
  echo "peer venv ready: $VENV"
  exit 0
fi
"$PY" -m venv "$VENV"
PIP=("$VENV/bin/pip" install --quiet --disable-pip-version-check)
"${PIP[@]}" --no-deps torch==2.15.0 accelerate==1.15.0
"${PIP[@]}" filelock 'typing-extensions>=4.13.0' 'setuptools>=77.0.3' 'sympy>=1.13.3' 'networkx>=2.5.1' jinja2 'fsspec>=0.8.5' \
  'cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusolver,cusparse,nvjitlink,nvrtc,nvtx]==13.2.2' \
  nvidia-cudnn-cu13==9.26.0.51 nvidia-cusparselt-cu13==0.8.1 nvidia-nccl-cu13==2.30.7 nvidia-nvshmem-cu13==3.7.2 \
  psutil transformers==5.23.0 gguf==0.19.0 numpy==2.4.6
"$VENV/bin/python" -c 'import torch, transformers, gguf, accelerate; from importlib.metadata import version as v; print("peer venv:", *(f"{p} {v(p)}" for p in ("torch", "transformers", "gguf", "accelerate")))'
