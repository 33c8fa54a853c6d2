"""``python -m pipeline`` runs the command line."""
from .cli import entry

entry()
