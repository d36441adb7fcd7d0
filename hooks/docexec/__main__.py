# __main__: `python -m docexec check` / `translated` (the package installed, `make install`); see cli.py.
import sys

from .cli import main

sys.exit(main())
