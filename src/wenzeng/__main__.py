from wenzeng.cli import main

main()
