from clinic_coder.benchmark.run import main

raise SystemExit(main())
