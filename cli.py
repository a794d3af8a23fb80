"""``python cli.py`` from a checkout runs the same as the ``slarules`` command."""

from slarules.cli import main

if __name__ == "__main__":
    main()
