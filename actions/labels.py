"""The intent labels as the action package names them; defined once in knowledge.labels."""

from knowledge.labels import ALL_INTENTS, INTENT_LABELS, intent_label

__all__ = ["ALL_INTENTS", "INTENT_LABELS", "intent_label"]
