"""``python -m slarules`` runs the same as the ``slarules`` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="slarules")
