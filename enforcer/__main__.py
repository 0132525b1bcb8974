from enforcer.cli import main

main()
