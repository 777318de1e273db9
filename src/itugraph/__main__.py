"""Run the itugraph command: ``python -m itugraph``."""

from .cli import main

main()
