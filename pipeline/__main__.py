"""``python -m pipeline`` is the same as the ``govreport`` command."""

from pipeline.cli import main

raise SystemExit(main())
