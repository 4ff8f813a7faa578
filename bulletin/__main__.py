from bulletin.cli import main

if __name__ == "__main__":  # not when a fork server or spawned worker imports it
    raise SystemExit(main())
