"""PII detection and anonymisation for Chinese counselling text, split as Microsoft Presidio splits it.

- ``recognizers/``: one recogniser per PII kind (patterns, context words, validators such as the ID check
  character and Luhn, lexicons from ``resources/lexicons/``); each proposes scored candidates.
- ``analyzer.py``: context boost, threshold and overlap resolution, in one place; post-level name mentions.
- ``anonymizer.py``: per-post consistent placeholders ([姓名1], [电话1] ...).

Why not presidio-analyzer itself: measured here (2,000 real posts, 12 plain PatternRecognizers, the no-op
NLP engine, so without context words) it ran at 0.54 M chars/s, half the clean stage's budget of ~1 M chars/s on
one core, before any Chinese tokenizer: its context boost needs one (jieba cuts ~0.2 M chars/s), and it pulls
spaCy into the data environment. The recognisers here follow its contract (candidates + context words +
validation -> analyzer -> anonymizer) but only run the segmenter on the few candidates that already have a cue.

Names and organisations need evidence beyond a surname character or a suffix (see ``recognizers/name.py``
and ``recognizers/org.py``): precision on real posts matters as much as recall on planted PII.

Names without a cue word are weighed by a statistical score, their name odds (``recognizers/name_odds.py``):
how much likelier the characters are in a real person's name (ngender's per-character table of real given
names, a pinned package that ships it) than in running text (jieba's dictionary), plus the surname's rank.
It replaced jieba.posseg's HMM tag ``nr``, which read few unseen names as persons (unseen-dev names 96/121
before, 121/121 after, with no new false replacement on the real posts). Statistical taggers that ship their
weights were measured on the same name cases: jiagu 0.2.3's NER found 15 of 102 held-out names; thulac
0.2.2's ``np`` found 85 of 102 but runs at ~1,700 chars/s and confirms public figures (the main false
replacements on real text) as readily as private people; HanLP and LTP cannot run offline here. LAC 2.1.2's
PER/ORG tags as evidence beside the rules added nothing on the sealed unseen part and were not adopted. A CRF
trained here on the synthetic sets (bench/bench_pii_crf.py) did reach the sealed part's names, but replaced the
celebrities of gossip posts and Weibo as readily, so it was not adopted either. bench/README.md has the figures.
"""

from workflow_scripts.data.pii.analyzer import find_pii, find_pii_post
from workflow_scripts.data.pii.anonymizer import anonymize_post, anonymize_text
from workflow_scripts.data.pii.base import KINDS, LABELS, Span, normalize_width

__all__ = [
    "KINDS",
    "LABELS",
    "Span",
    "anonymize_post",
    "anonymize_text",
    "find_pii",
    "find_pii_post",
    "normalize_width",
]
