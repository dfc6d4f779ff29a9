import sys

from tuimux.cli import main

sys.exit(main())
