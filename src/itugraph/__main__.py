"""Run the itugraph command: ``python -m itugraph``."""

from .cli import main

if __name__ == "__main__":
    main()
