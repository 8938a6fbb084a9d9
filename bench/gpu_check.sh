#!/usr/bin/env bash
# One-call GPU check (bench/gpu_check.py): SFT and GRPO steps of Qwen3-0.6B/8B-shaped models, random weights,
# the project's tokenizer, no downloads; prints step time, tokens/s, peak memory and MFU per phase.
#   bash bench/gpu_check.sh [--tokenizer DIR] [--steps N]   GPU; several GPUs: one rank each, ZeRO-3
#   bash bench/gpu_check.sh --dry                            CPU: tiny versions, one step each (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-$(test -x .venv/bin/python && echo .venv/bin/python || echo python3)}
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
gpus=0
if [[ " $* " != *" --dry "* ]]; then
    gpus=$("$python" -c "import torch; print(torch.cuda.device_count())")
fi
if [ "$gpus" -gt 0 ]; then  # under the launcher even with one GPU: vLLM's colocate mode expects its env
    exec timeout 480 "$python" -m torch.distributed.run --standalone --nproc_per_node="$gpus" bench/gpu_check.py "$@"
fi
exec timeout 480 "$python" bench/gpu_check.py "$@"
