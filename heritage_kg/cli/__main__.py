"""`python -m heritage_kg.cli`: the command line."""

from . import main

main()
