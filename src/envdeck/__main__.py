"""``python -m envdeck``: the envdeck command line."""

from .cli import main

raise SystemExit(main())
