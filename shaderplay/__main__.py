"""`python -m shaderplay ...` is the `shaderplay` command."""

import sys

from .cli import main

sys.exit(main())
