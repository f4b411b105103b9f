import sys

from est_data.cli import main

sys.exit(main())
