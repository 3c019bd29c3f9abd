from jasmine_proxy.cli import main

raise SystemExit(main())
