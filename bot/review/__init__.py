"""The trainers' review cycle: export what the assistant got wrong, label it, apply, check, report.

    python -m bot.review export|list|label|apply|report|check

The inbox (var/review.db) only ever holds masked text; see docs/trainers.md.
"""
