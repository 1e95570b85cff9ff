"""The plugin's command line (reference §2): ``<entry> [--debug] [--version] <command>``.

``sample NAME`` prints a start message for a component, indented and ending in a newline; a plugin
may offer connection presets for it (``run_cli(..., sample_presets=...)``), each a flag such as
``--sim`` that fills the message's connection for a local test service.

``run`` and ``test`` read one message on stdin and write exactly one JSON envelope, ending in a
newline, on stdout (trigger events before it, one per line); everything logged goes into the
envelope, and with ``--debug`` also to stderr. Exit codes: 0 ok, 1 the step failed (the error
envelope is on stdout, a one-line diagnostic on stderr), 2 usage error. A traceback never reaches
stdout: with ``--debug`` it goes to stderr, after its log line.

Each command imports only what it needs: ``info`` and ``sample`` read the generated manifest and
schemas; ``run`` adds the runtime; only ``http`` loads the server stack. The two forms an
orchestrator starts a process for, ``[--debug] run`` and ``[--debug] test``, skip even click
(a fifth of a ``run``'s start-up); they behave exactly as through click.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import click

__all__ = ["run_cli", "build_cli"]

KINDS = ("task", "trigger", "action")  # the lookup order of ``sample`` (reference §2)
LABEL_WIDTH = 13


# A preset of ``sample``: flag name -> (its help, a function that returns the connection to use
# for the component it is given by name, as some components need another kind of credential).
SamplePresets = dict[str, tuple[str, Callable[[str], dict[str, Any]]]]


def run_cli(package: str, argv: list[str] | None = None, sample_presets: SamplePresets | None = None, *,
            skip_teardown: bool = False) -> None:
    """Run the CLI of plugin ``package`` (``sys.argv[1:]`` by default); exits the process.

    ``skip_teardown``: the caller is the process's entry program, so ``run`` and ``test`` end the
    process as soon as their output is flushed (see ``exit_now``). Tests calling in process leave it off.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    debug = args[:1] == ["--debug"]
    if args[debug:] in (["run"], ["test"]):
        code = _serve(package, test=args[debug:] == ["test"], debug=debug)
        if skip_teardown:
            exit_now(code)
        sys.exit(code)
    build_cli(package, sample_presets).main(args=args, prog_name=package, standalone_mode=True)


def build_cli(package: str, sample_presets: SamplePresets | None = None) -> click.Group:
    """The click group of plugin ``package``; ``run_cli`` is what entry programs call."""
    cli = _group(package)
    _add_step_commands(cli, package)
    _add_info(cli, package)
    _add_sample(cli, package, dict(sample_presets or {}))
    _add_http(cli, package)
    return cli


def _manifest(package: str) -> Any:
    import click  # noqa: PLC0415  (see the module docstring)

    try:
        return importlib.import_module(f"{package}.manifest")
    except ImportError as exc:
        raise click.ClickException(
            f"cannot load {package}.manifest ({exc}); generate it with: python -m actionkit generate"
        ) from None


def _group(package: str) -> click.Group:
    import click  # noqa: PLC0415

    def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(_manifest(package).PLUGIN["version"])
            ctx.exit(0)

    @click.group(
        invoke_without_command=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        help=f"The {package} plugin: its actions and triggers, run by an orchestrator that speaks the "
        "InsightConnect plugin protocol, or by hand.",
    )
    @click.option("--debug", is_flag=True, help="Capture logs at DEBUG and mirror them to stderr.")
    @click.option(
        "--version", is_flag=True, expose_value=False, is_eager=True, callback=show_version,
        help="Print the plugin version and exit.",
    )
    @click.pass_context
    def cli(ctx: click.Context, debug: bool) -> None:
        ctx.obj = {"debug": debug}
        if ctx.invoked_subcommand is None:
            click.echo(ctx.get_help())
            ctx.exit(0)

    return cli


def _add_step_commands(cli: click.Group, package: str) -> None:
    """``run`` and ``test``, as click sees them (``run_cli`` serves the plain forms without click)."""
    import click  # noqa: PLC0415

    @cli.command(help="Run the component named in the message read from stdin; print its result, one JSON "
                 "envelope.", short_help="Run the component named in the message on stdin.")
    @click.pass_context
    def run(ctx: click.Context) -> None:
        ctx.exit(_serve(package, test=False, debug=ctx.obj["debug"]))

    @cli.command(help="Test the connection given in the message read from stdin (the component's own test "
                 "when the plugin has no connection test).",
                 short_help="Test the connection of the message on stdin.")
    @click.pass_context
    def test(ctx: click.Context) -> None:
        ctx.exit(_serve(package, test=True, debug=ctx.obj["debug"]))


def _add_info(cli: click.Group, package: str) -> None:
    import click  # noqa: PLC0415

    @cli.command(help="Describe the plugin and its components.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of text.")
    def info(as_json: bool) -> None:
        data = _manifest(package)
        if as_json:
            click.echo(json.dumps(_info_json(data), indent=2))
        else:
            click.echo(_info_text(data))


def _add_sample(cli: click.Group, package: str, presets: SamplePresets) -> None:
    import click  # noqa: PLC0415

    @click.argument("name")
    @click.pass_context
    def sample(ctx: click.Context, name: str, **chosen: bool) -> None:
        data = _manifest(package)
        for kind in KINDS:
            if name in (getattr(data, f"{kind.upper()}S", None) or {}):
                message = _sample(package, data, kind, name)
                flags = [flag for flag, on in chosen.items() if on]
                if len(flags) > 1:
                    raise click.UsageError(f"choose one of {', '.join('--' + f for f in flags)}")
                if flags:
                    message["body"]["connection"] = presets[flags[0]][1](name)
                click.echo(json.dumps(message, indent=2))
                return
        names = [n for kind in KINDS for n in (getattr(data, f"{kind.upper()}S", None) or {})]
        click.echo(f"Error: no component named '{name}'; choose one of: {', '.join(names)}.", err=True)
        ctx.exit(1)

    for flag, (about, _) in presets.items():
        sample = click.option(f"--{flag}", is_flag=True, help=about)(sample)
    cli.command(help="Print a start message for the component NAME, with its example input, to send "
                "to `run` (for example: sample NAME > message.json).",
                short_help="Print a start message for the component NAME.")(sample)


def _add_http(cli: click.Group, package: str) -> None:
    import click  # noqa: PLC0415

    @cli.command(help="Serve every component over HTTP until stopped (POST /api/v1/actions/NAME with a "
                 "message, GET /api/v1/info); the orchestrator's HTTP mode.",
                 short_help="Serve every component over HTTP (port 10001).")
    @click.option("--port", type=int, default=10001, show_default=True,
                  help="Port to listen on (on every address, or the one in ACTIONKIT_BIND).")
    @click.option("--process_workers", type=int, default=1, show_default=True, help="Worker processes.")
    @click.option("--threads_per_worker", type=int, default=4, show_default=True, help="Threads per worker.")
    @click.option("--worker_class", type=click.Choice(["sync", "gevent"]), default="sync", show_default=True,
                  help="Threads, or gevent's green threads.")
    @click.option("--worker_connections", type=int, default=200, show_default=True,
                  help="Green threads per worker, with --worker_class gevent.")
    @click.option("--graceful_timeout", type=int, default=30, show_default=True,
                  help="Seconds the requests in flight get to finish when the server stops.")
    @click.pass_context
    def http(ctx: click.Context, **settings: Any) -> None:
        from actionkit.runtime import Plugin  # noqa: PLC0415
        from actionkit.server import serve  # noqa: PLC0415  (the server stack, only for this command)

        serve(Plugin.load(package), debug=ctx.obj["debug"], **settings)


def _serve(package: str, *, test: bool, debug: bool) -> int:
    """``run``/``test``: one message in, one envelope out; returns the exit code."""
    from actionkit.errors import InternalError  # noqa: PLC0415
    from actionkit.runtime import Plugin, error_result  # noqa: PLC0415

    raw = sys.stdin.buffer.read()
    stdout = sys.stdout
    try:
        plugin = Plugin.load(package, cache_enabled=False)  # one message per process: nothing to reuse
    except Exception as exc:  # noqa: BLE001  (a broken install still answers with an envelope)
        problem = f"Cannot load the plugin package {package}: {type(exc).__name__}: {exc}"
        result = error_result(InternalError(problem))
        if debug:  # the traceback goes to stderr only: the envelope never carries one
            import traceback  # noqa: PLC0415

            traceback.print_exc(file=sys.stderr)
    else:
        sys.stdout = sys.stderr  # a stray print() in plugin code must not corrupt the envelope
        try:
            result = plugin.handle(raw, test=test, debug=debug, log_mirror=sys.stderr if debug else None,
                                   event_stream=stdout)
        finally:
            sys.stdout = stdout
    stdout.write(result.to_json() + "\n")
    stdout.flush()
    if not result.ok:
        print(f"{package}: {result.envelope['body'].get('error') or 'failed'}", file=sys.stderr)
    return result.exit_code


def exit_now(code: int) -> NoReturn:
    """End the process without the interpreter's teardown, which frees every module and object one
    by one: with requests loaded that takes about 25 ms, a fifth of a cold ``run``, for memory the
    kernel takes back anyway. Logs and both streams are flushed first; nothing else is pending, as
    the step has returned and ``run`` leaves no thread behind."""
    import logging  # noqa: PLC0415
    import os  # noqa: PLC0415

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away: a normal exit could not write either
            pass
    os._exit(code)


def _info_text(data: Any) -> str:
    import click  # noqa: PLC0415

    plugin = data.PLUGIN

    def label(text: str) -> str:
        return click.style(f"{text}:".ljust(LABEL_WIDTH), fg="bright_green")

    lines = [
        f"{label('Name')}{plugin['title']}",
        f"{label('Vendor')}{plugin['vendor']}",
        f"{label('Version')}{plugin['version']}",
        f"{label('Description')}{plugin['description']}",
    ]
    for kind in ("TRIGGERS", "ACTIONS", "TASKS"):
        components = getattr(data, kind, None) or {}
        if components:
            lines += ["", f"{kind.capitalize()} ({len(components)}):"]
            lines += [f"└── {name} ({about['description']})" for name, about in components.items()]
    return "\n".join(lines)


def _info_json(data: Any) -> dict[str, Any]:
    info = dict(data.PLUGIN)
    info["connection"] = bool(getattr(data, "CONNECTION", False))
    for kind in ("ACTIONS", "TRIGGERS", "TASKS"):
        info[kind.lower()] = getattr(data, kind, None) or {}
    return info


def _sample(package: str, data: Any, kind: str, name: str) -> dict[str, Any]:
    """A start message from the generated examples: valid against the schemas."""
    schema = importlib.import_module(f"{package}.{kind}s.{name}.schema")
    body: dict[str, Any] = {kind: name, "meta": {}, "input": dict(schema.Input.EXAMPLE)}
    if getattr(data, "CONNECTION", False):
        body["connection"] = dict(importlib.import_module(f"{package}.connection.schema").Input.EXAMPLE)
    if kind == "trigger":
        body["dispatcher"] = {"url": "http://localhost:8000", "webhook_url": ""}
    elif kind == "task":
        body["state"] = {}
    return {"body": body, "type": f"{kind}_start", "version": "v1"}
