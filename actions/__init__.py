"""Custom actions for the rasa-sdk action server, one module per capability."""

from core.masking import install_log_masking

# rasa-sdk has set up its log handlers before it imports this package; from here on, what the
# actions and the libraries they call log is masked like every other process's logs.
install_log_masking()
