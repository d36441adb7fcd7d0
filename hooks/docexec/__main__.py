# __main__: `python -m docexec check` / `translated` (with hooks/ on PYTHONPATH); see cli.py.
import sys

from .cli import main

sys.exit(main())
