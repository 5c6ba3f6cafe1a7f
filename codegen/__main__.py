from codegen.cli.main import main

raise SystemExit(main())
