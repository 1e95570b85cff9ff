"""Console entry point: hand the plugin to actionkit's CLI."""


def main() -> None:
    from actionkit.cli import run_cli

    run_cli("icon_hello")


if __name__ == "__main__":
    main()
