"""`python -m toolkit` runs the `offer-toolkit` command line."""

from .cli import main

main()
