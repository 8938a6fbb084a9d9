"""Baidu LAC 2.1.2 on paddlepaddle 2.6, behind the ``LacTagger`` interface (bench-only: paddle and LAC are no
project dependencies; they are installed in the shared venv for this measurement).

``tag(texts)`` returns, per text, ``(start, end, tag)`` for every word LAC cuts (character offsets; tags PER,
ORG, LOC, TIME and POS tags).
"""

from __future__ import annotations

import functools
import sys


@functools.cache
def _lac() -> object:
    import paddle.base as base

    sys.modules.setdefault("paddle.fluid", base)  # LAC 2.1.2 imports paddle's old package name
    sys.modules.setdefault("paddle.fluid.core", base.core)
    from LAC import LAC

    return LAC(mode="lac")


class PaddleLacTagger:
    """LAC's BiGRU-CRF lexical analyser, one batch per call."""

    def tag(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Words of each text as (start, end, tag); an empty text has none."""
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        res = _lac().run([texts[i] for i in todo])
        for i, (words, tags) in zip(todo, res, strict=True):
            pos = 0
            spans = []
            for w, t in zip(words, tags, strict=True):
                start = texts[i].find(w, pos)
                if start < 0:  # LAC may drop or normalise whitespace; keep offsets from the source text
                    continue
                spans.append((start, start + len(w), t))
                pos = start + len(w)
            out[i] = spans
        return out
