"""Every hand-set number that decides what to answer, in one place, with the set it was set on.

Each was chosen on a development set and never on a reported one: `legal_dev.yml` for the
article index, the development dialogues (tests/dialogue/multiturn/dev.yml) for the resolver's
margins, and STARD's train split (/work/shared/stard/train.jsonl) for the answerability gate.
"""

from __future__ import annotations

# --- the article index (knowledge/law_search.py), set on tests/knowledge/legal_dev.yml --------
# The best raw BM25 score of a question an article answers is above this; questions about
# nothing in the laws mostly score below.
ARTICLE_MIN_SCORE = 18.0
# An article's share of the question's concepts adds up to this fraction of the best BM25 score:
# of two articles about the same words, the one stating the asked-about rule ranks first.
COVERAGE_WEIGHT = 1.2
# Further hits must score this close to the best; weaker ones are noise, not answers.
TAIL_RATIO = 0.7
# A lower bar for an article that states a concept the hits so far leave out.
RESCUE_RATIO = 0.4
# Articles of a law for one group (lexicon `scoped_laws`) when the question names another.
OUT_OF_SCOPE = 0.5

# --- the entry index (knowledge/search.py), set by hand when the index was written -----------
# No development set is recorded for these; they are kept as they were and are the first to
# choose again on the sample-question folds of bench/fit_entry_ranker.py.
# BM25 score below which the best entry is too weak to answer with (a menu instead).
ENTRY_MIN_SCORE = 3.0
# The best entry is confident when it leads the second by this share of its score.
ENTRY_MIN_MARGIN = 0.08
# IDF mass of content words the best entry must share with the question, else nothing answers.
ENTRY_MIN_EVIDENCE = 1.0
# Entries of the intent NLU gave, and entries written for the city asked, gain this share of the
# best score: an intent guess is a hint, not a filter.
INTENT_BOOST = 0.25
CITY_BOOST = 0.1

# --- choosing among entries (knowledge/ranking.py), set on the development dialogues ---------
# Two candidates this close (share of the best score) about different services: ask which.
MENU_MARGIN = 0.12
# A question sharing this share of its character pairs with an entry's title or sample question
# names that entry ("企业打12345按几号键"): no menu, whatever the scores.
NAMES_ENTRY = 0.5
# Titles are short and say what the entry is about: a lower share of the question suffices.
NAMES_TITLE = 0.35
# A question named like the best entry gets it only when it is worded this much more like it
# than like the runner-up (a share of character pairs).
NAMED_LEAD = 0.1
# Related entries offered after an answer score at least this share of the best.
RELATED_SHARE = 0.55
# A legal entry is a candidate for a legal question only when it scores this share of the best
# hit of its search (knowledge/ranking.py, `covering_entry`).
COVERING_FLOOR = 0.3

# --- topic continuity (knowledge/continuity.py), set on the development dialogues ------------
# A follow-up's own words name another subject only when its best entry scores this multiple of
# the index's lowest answering score.
OTHER_SUBJECT_SCORE = 2.0

# --- answerability (knowledge/answerability.py), set on STARD train ------------------------
# A question this like an entry's own sample question is the question the entry answers, whatever
# concepts the entry's title names besides (a share of character pairs, as NAMES_ENTRY).
ASKED_LIKE_ENTRY = 0.5
# A question naming no key legal concept is about an entry only when this like its wording.
TOPICAL_LIKENESS = 0.2
