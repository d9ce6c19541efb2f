from pmo_lint.cli import main

raise SystemExit(main())
